import Foundation

/// The control room's page (`GET /`): one self-contained HTML document (inline CSS and script, no external
/// asset) that reads `/status` from its own origin every 2 s and draws the cohorts, the pipeline, the last
/// hour's lag and throughput and the timeline. It builds its DOM with `textContent` only (no markup from the
/// data) and shows keys and counts, never row values. Action buttons appear only when the daemon has an
/// operator token; the token is typed into the page, never sent in it.
public enum ControlRoomPage {
    /// The Content-Security-Policy sent with the page: its own inline script and style, `/status` and the
    /// actions on its own origin, nothing else (no frame, no form target, no other host).
    public static let contentSecurityPolicy = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
        + "connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    /// The page, with or without the operator's buttons.
    public static func response(actions: Bool) -> HTTPResponse {
        let html = template.replacingOccurrences(of: "__ACTIONS__", with: actions ? "on" : "off")
        return HTTPResponse(contentType: "text/html; charset=utf-8", body: Array(html.utf8),
                            headers: [HTTPHeader(name: "Content-Security-Policy", value: contentSecurityPolicy),
                                      HTTPHeader(name: "X-Frame-Options", value: "DENY"),
                                      HTTPHeader(name: "Referrer-Policy", value: "no-referrer")])
    }

    static let template = ##"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tandem control room</title>
<link rel="icon" href="data:,">
<style>
:root { --bg:#f6f7f9; --fg:#1d2430; --muted:#667085; --line:#d0d5dd; --ok:#12805c; --warn:#b54708; --bad:#b42318; --acc:#1f5fbf; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; background:var(--bg); color:var(--fg); }
header { display:flex; gap:16px; align-items:center; padding:10px 20px; background:#101828; color:#fff; }
header h1 { font-size:17px; margin:0; font-weight:600; }
header .sub { color:#98a2b3; font-size:12px; }
#health { padding:2px 10px; border-radius:10px; font-weight:600; font-size:12px; background:#475467; }
#health.ok { background:var(--ok); } #health.bad { background:var(--bad); }
#error { color:#fda29b; font-size:12px; }
main { padding:14px 20px; display:grid; gap:14px; }
section { background:#fff; border:1px solid var(--line); border-radius:8px; padding:12px 14px; }
section > h2 { font-size:13px; text-transform:uppercase; letter-spacing:.05em; color:var(--muted); margin:0 0 8px; }
.cohort { border-top:1px solid var(--line); padding:10px 0; display:grid; grid-template-columns: 180px 1fr; gap:6px 16px; }
.cohort:first-of-type { border-top:none; }
.cohort h3 { margin:0; font-size:15px; }
.cohort .tenants { color:var(--muted); font-size:12px; }
.steps { list-style:none; display:flex; margin:0; padding:0; }
.steps li { flex:1; position:relative; text-align:center; font-size:12px; color:var(--muted); padding-top:14px; }
.steps li::before { content:""; position:absolute; top:4px; left:0; right:0; height:3px; background:var(--line); }
.steps li::after { content:""; position:absolute; top:0; left:calc(50% - 5px); width:10px; height:10px; border-radius:50%; background:#fff; border:2px solid var(--line); }
.steps li.past::before, .steps li.past::after { background:var(--acc); border-color:var(--acc); }
.steps li.current { color:var(--fg); font-weight:600; }
.steps li.current::before { background:var(--acc); }
.steps li.current::after { background:var(--acc); border-color:var(--acc); box-shadow:0 0 0 3px #c7d7f5; }
.steps.rolled li.current::after { background:var(--bad); border-color:var(--bad); box-shadow:0 0 0 3px #fecdca; }
.facts { display:flex; flex-wrap:wrap; gap:4px 18px; font-size:12px; margin-top:6px; grid-column: 2; }
b.label { color:var(--muted); font-weight:500; margin-right:4px; }
.pass { color:var(--ok); } .fail { color:var(--bad); } .warn { color:var(--warn); } .muted { color:var(--muted); }
.blocker { grid-column:2; font-size:12px; }
.actions { grid-column:2; display:flex; gap:6px; }
button { font:inherit; font-size:12px; padding:3px 10px; border:1px solid var(--line); border-radius:5px; background:#fff; cursor:pointer; }
button:hover { border-color:var(--acc); }
table { border-collapse:collapse; width:100%; font-size:12px; }
th, td { text-align:left; padding:4px 8px; border-bottom:1px solid #eaecf0; font-variant-numeric: tabular-nums; }
th { color:var(--muted); font-weight:500; }
.row { display:flex; gap:24px; flex-wrap:wrap; font-size:12px; margin-bottom:8px; }
.charts { display:grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap:12px; }
.chart h4 { margin:0 0 4px; font-size:12px; font-weight:500; color:var(--muted); }
.legend { font-weight:400; }
svg { width:100%; height:120px; background:#fcfcfd; border:1px solid #eaecf0; border-radius:4px; }
#timeline ol { list-style:none; margin:0; padding:0; max-height:260px; overflow:auto; font-size:12px; }
#timeline li { padding:3px 0; border-bottom:1px solid #f2f4f7; }
#timeline time { color:var(--muted); margin-right:8px; font-variant-numeric: tabular-nums; }
#timeline li.incident, #timeline li.refused { color:var(--warn); }
#timeline li.rollback { color:var(--bad); }
#operator { display:none; gap:8px; align-items:center; font-size:12px; }
body[data-actions="on"] #operator { display:flex; }
#operator input { font:inherit; padding:2px 6px; width:220px; }
#message { font-size:12px; }
</style>
</head>
<body data-actions="__ACTIONS__">
<header>
  <h1>Tandem control room</h1>
  <span id="health">…</span>
  <span class="sub" id="updated">waiting for /status</span>
  <span id="error"></span>
</header>
<main>
  <section id="cohorts"><h2>Cohorts</h2><div id="cohort-list"><p class="muted">No cohort yet (tandem cohort create).</p></div>
    <div id="operator"><label>Operator token <input id="token" type="password" autocomplete="off"></label><span id="message"></span></div>
  </section>
  <section id="pipeline"><h2>Pipeline</h2>
    <div class="row" id="source-row"></div>
    <table><thead><tr><th>sink</th><th>state</th><th>applied seq</th><th>lag (events)</th><th>lag (s)</th><th>events/s</th><th>conflicts</th><th>parked</th></tr></thead><tbody id="sinks"></tbody></table>
    <div class="row" id="quarantine" style="margin-top:8px"></div>
    <div class="row" id="reverse"></div>
  </section>
  <section><h2>Last hour</h2>
    <div class="charts">
      <div class="chart"><h4>Lag (events) per sink <span class="legend" id="lag-chart-legend"></span></h4><svg id="lag-chart" viewBox="0 0 400 120" preserveAspectRatio="none" role="img" aria-label="lag"></svg></div>
      <div class="chart"><h4>Throughput (events/s): source and sinks <span class="legend" id="rate-chart-legend"></span></h4><svg id="rate-chart" viewBox="0 0 400 120" preserveAspectRatio="none" role="img" aria-label="throughput"></svg></div>
    </div>
  </section>
  <section id="timeline"><h2>Timeline</h2><ol id="timeline-list"><li class="muted">Nothing yet.</li></ol></section>
</main>
<script>
"use strict";
const PHASES = ["planned", "shadow", "reads-new", "cut-over", "done"];
const COLORS = ["#1f5fbf", "#12805c", "#b54708", "#7a2bd6", "#b42318", "#0e7490"];
const actionsOn = document.body.dataset.actions === "on";
let last = null;

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v; else if (k.startsWith("data-")) e.setAttribute(k, v); else e[k] = v;
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
  return e;
}
function fact(label, value, cls) { return el("span", {}, el("b", { class: "label" }, label), el("span", { class: cls || "" }, value)); }
function secondsBetween(a, b) { return (Date.parse(b) - Date.parse(a)) / 1000; }
function age(at, now) {
  if (!at) return "never";
  const s = Math.max(0, secondsBetween(at, now));
  if (s < 90) return Math.round(s) + " s ago";
  if (s < 5400) return Math.round(s / 60) + " min ago";
  if (s < 172800) return Math.round(s / 3600) + " h ago";
  return Math.round(s / 86400) + " d ago";
}
function num(n) { return Number(n).toLocaleString("en-US"); }
function lagText(l) { return l ? num(l.events) + " ev · " + Number(l.seconds).toFixed(1) + " s (" + l.basis + " " + l.sink + ")" : "—"; }
// Per store: a count, or why there is none ("n/a (SQLite cannot record …)": never shown as 0).
function refusedText(r) {
  if (!r) return "—";
  return Object.entries(r).map(([store, x]) => store + " " + (x.count !== null ? num(x.count)
    : (x.countable ? "unknown" : "n/a") + (x.reason ? " (" + x.reason + ")" : ""))).join(" · ");
}
function check(c, now) { return c ? [(c.passed ? "pass" : "FAIL") + ", " + age(c.at, now), c.passed ? "pass" : "fail"] : ["none", "muted"]; }

function renderCohorts(s) {
  const list = document.getElementById("cohort-list");
  const cohorts = s.cohorts || [];
  if (cohorts.length === 0) { list.replaceChildren(el("p", { class: "muted" }, "No cohort yet (tandem cohort create).")); return; }
  list.replaceChildren(...cohorts.map(c => {
    const rolled = c.phase === "rolled-back";
    const at = PHASES.indexOf(c.phase);
    const steps = el("ol", { class: "steps" + (rolled ? " rolled" : "") },
      ...PHASES.map((p, i) => el("li", { class: i < at ? "past" : (i === at ? "current" : "") }, p)),
      ...(rolled ? [el("li", { class: "current" }, "rolled back")] : []));
    const v = check(c.lastVerify, s.takenAt), d = check(c.lastDrill, s.takenAt);
    const n = c.notices || { sent: 0, delivered: 0, bounced: 0, tenants: 0 };
    const facts = el("div", { class: "facts" },
      fact("forward lag", lagText(c.forwardLag)),
      fact("reverse lag", c.reverseLag ? lagText(c.reverseLag) : "—"),
      fact("verify", v[0], v[1]), fact("drill", d[0], d[1]),
      fact("notices", n.sent + " sent, " + n.delivered + " delivered, " + n.bounced + " bounced (" + n.tenants + " tenants)", n.bounced ? "warn" : ""),
      fact("last cut-over pause", c.lastPauseMs == null ? "—" : Math.round(c.lastPauseMs) + " ms"),
      fact("fenced writes refused", refusedText(c.fencedWritesRefused)),
      fact("in phase since", age(c.since, s.takenAt)));
    const next = c.next || { phase: null, gates: [], blocker: null };
    const gates = (next.gates || []).map(g => g.name + " " + (g.passed === null ? "unchecked" : (g.passed ? "✓" : "✗"))).join(", ");
    const blocker = el("div", { class: "blocker" },
      next.phase ? el("span", {}, el("b", { class: "muted" }, "next: "), next.phase + (gates ? " · gates: " + gates : " · no gate")) : el("span", { class: "muted" }, "final phase"),
      next.blocker ? el("span", { class: "fail" }, " · blocked: " + next.blocker) : (next.phase ? el("span", { class: "pass" }, " · nothing known blocks it") : null));
    const band = el("article", { class: "cohort", "data-cohort": c.name, "data-phase": c.phase },
      el("div", {}, el("h3", {}, c.name + (c.paused ? " ⏸" : "")), el("div", { class: "tenants" }, num(c.tenants) + " tenants · " + c.phase + (c.paused ? " (paused)" : ""))),
      steps, facts, blocker);
    if (actionsOn) {
      const act = (a) => el("button", { type: "button", onclick: () => act_(c.name, a) }, a);
      band.append(el("div", { class: "actions" }, act("advance"), act(c.paused ? "resume" : "pause"), act("rollback")));
    }
    return band;
  }));
}

async function act_(cohort, action) {
  const msg = document.getElementById("message");
  const token = document.getElementById("token").value;
  if (!token) { msg.textContent = "enter the operator token first"; msg.className = "fail"; return; }
  if (action === "rollback" && !window.confirm("Roll back cohort " + cohort + "?")) return;
  try {
    const r = await fetch("/v1/cohorts/" + encodeURIComponent(cohort) + "/" + action, {
      method: "POST", cache: "no-store", credentials: "omit",
      headers: { "Authorization": "Bearer " + token, "X-Tandem-Control": "1" } });
    const text = await r.text();
    msg.textContent = r.ok ? JSON.parse(text).message : text.trim();
    msg.className = r.ok ? "pass" : "fail";
  } catch (e) { msg.textContent = "the daemon did not answer"; msg.className = "fail"; }
  refresh();
}

function renderPipeline(s) {
  const src = s.source, j = s.journal;
  document.getElementById("source-row").replaceChildren(
    fact("source", src.state, src.state === "running" ? "pass" : "fail"),
    fact("position", src.position == null ? "—" : src.position),
    fact("rate", Number(src.eventsPerSecond).toFixed(1) + " ev/s"),
    fact("journal head", num(j.headSeq)),
    fact("journal", num(j.segments) + " segments, " + (j.bytes / 1048576).toFixed(1) + " MiB"));
  document.getElementById("sinks").replaceChildren(...s.sinks.map(k => {
    const conflicts = Object.values(k.conflicts || {}).reduce((a, b) => a + b, 0);
    return el("tr", { "data-sink": k.name }, el("td", {}, k.name), el("td", { class: k.state === "running" ? "pass" : "fail" }, k.state + (k.reason ? ": " + k.reason : "")),
      el("td", {}, num(k.appliedSeq)), el("td", {}, num(k.lagEvents)), el("td", {}, Number(k.lagSeconds).toFixed(1)),
      el("td", {}, Number(k.eventsPerSecond).toFixed(1)), el("td", { class: conflicts ? "warn" : "" }, num(conflicts)),
      el("td", { class: k.parked ? "warn" : "" }, num(k.parked)));
  }));
  // The reverse flow (new → legacy), when the daemon reports one: its plain figures as they come.
  const rev = s.reverse && typeof s.reverse === "object" ? Object.entries(s.reverse).filter(e => e[1] === null || typeof e[1] !== "object") : [];
  document.getElementById("reverse").replaceChildren(...(rev.length ? [el("b", { class: "label" }, "reverse:")] : []),
    ...rev.map(([k, v]) => fact(k, v === null ? "—" : (typeof v === "number" ? num(v) : v))));
  const q = Object.entries(src.quarantineByReason || {}).sort((a, b) => b[1] - a[1]);
  const total = q.reduce((a, e) => a + e[1], 0);
  document.getElementById("quarantine").replaceChildren(fact("quarantine", total === 0 ? "empty" : num(total) + " open", total ? "warn" : "pass"),
    ...q.slice(0, 5).map(([reason, n]) => fact(reason, num(n))));
}

function polyline(svg, series, max, color) {
  const n = series.length;
  if (n === 0) return;
  const y = v => (115 - (max > 0 ? v / max : 0) * 100).toFixed(1);
  const pts = n === 1 ? ["0," + y(series[0]), "400," + y(series[0])]
    : series.map((v, i) => (i * 400 / (n - 1)).toFixed(1) + "," + y(v));
  const p = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
  p.setAttribute("points", pts.join(" ")); p.setAttribute("fill", "none"); p.setAttribute("stroke", color);
  p.setAttribute("stroke-width", "1.5"); p.setAttribute("vector-effect", "non-scaling-stroke");
  svg.append(p);
}
function chart(id, lines) {
  const svg = document.getElementById(id);
  svg.replaceChildren();
  const max = Math.max(1, ...lines.flatMap(l => l.values));
  document.getElementById(id + "-legend").replaceChildren("· max " + num(Math.round(max * 10) / 10),
    ...lines.map((l, i) => el("span", { style: "color:" + COLORS[i % COLORS.length] }, "  ■ " + l.name)));
  lines.forEach((l, i) => polyline(svg, l.values, max, COLORS[i % COLORS.length]));
}
function renderCharts(s) {
  const samples = (s.history && s.history.samples) || [];
  const names = s.sinks.map(k => k.name);
  const per = (name, f) => samples.map(x => { const k = x.sinks.find(y => y.name === name); return k ? f(k) : 0; });
  chart("lag-chart", names.map(n => ({ name: n, values: per(n, k => k.lagEvents) })));
  chart("rate-chart", [{ name: "source", values: samples.map(x => x.sourceEventsPerSecond) }]
    .concat(names.map(n => ({ name: n, values: per(n, k => k.eventsPerSecond) }))));
}

function renderTimeline(s) {
  const items = s.timeline || [];
  const list = document.getElementById("timeline-list");
  if (items.length === 0) { list.replaceChildren(el("li", { class: "muted" }, "Nothing yet.")); return; }
  list.replaceChildren(...items.map(t => el("li", { class: t.kind },
    el("time", { dateTime: t.at }, t.at.replace("T", " ").slice(0, 19)), t.text)));
}

async function refresh() {
  try {
    const r = await fetch("/status", { cache: "no-store", credentials: "omit" });
    if (!r.ok) throw new Error("HTTP " + r.status);
    const s = await r.json();
    last = s;
    const h = document.getElementById("health");
    h.textContent = s.healthy ? "healthy" : "unhealthy";
    h.className = s.healthy ? "ok" : "bad";
    h.title = (s.unhealthyReasons || []).join("\n");
    document.getElementById("updated").textContent = "status at " + s.takenAt.replace("T", " ").slice(0, 19) + " UTC";
    document.getElementById("error").textContent = "";
    renderCohorts(s); renderPipeline(s); renderCharts(s); renderTimeline(s);
  } catch (e) {
    document.getElementById("error").textContent = "cannot read /status; retrying";
  }
}
refresh();
setInterval(refresh, 2000);
</script>
</body>
</html>
"""##
}
