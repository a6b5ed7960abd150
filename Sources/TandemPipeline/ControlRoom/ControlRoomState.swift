import Foundation
import Synchronization
import TandemCore
import TandemSinks
import TandemSources

/// One line of the control room's timeline: a cohort's phase change, pause or rollback from the state file,
/// or an incident the daemon saw (a component stopping or running again).
public struct TimelineItem: Sendable, Hashable {
    /// When.
    public var at: Timestamp
    /// `create`, `advance`, `rollback`, `pause`, `resume` (from the state file), `incident`, or `refused` (a
    /// store's refusal counter for the cohort rose since the daemon's last read).
    public var kind: String
    /// The cohort (nil for an incident).
    public var cohort: String?
    /// The phase before and after (nil for an incident).
    public var from: MigrationPhase?, to: MigrationPhase?
    /// Who recorded it (nil for an incident).
    public var who: String?
    /// The line in words.
    public var text: String
    /// The write pause of a cut-over or a rollback from cut-over, in milliseconds.
    public var pauseMs: Double?

    var json: JSONValue {
        .object([("at", .string(at.rfc3339)), ("kind", .string(kind)), ("cohort", cohort.map(JSONValue.string) ?? .null),
                 ("from", from.map { .string($0.rawValue) } ?? .null), ("to", to.map { .string($0.rawValue) } ?? .null),
                 ("who", who.map(JSONValue.string) ?? .null), ("text", .string(text)),
                 ("pauseMs", pauseMs.map(JSONValue.double) ?? .null)])
    }
}

/// What the daemon keeps for the control room: the state file's cohorts and timeline, read at most once per
/// `refreshEvery` (a page polled by many browsers costs one read a second; a caller finding another thread
/// reading takes the previous read rather than wait), and the in-memory history of lag, rates and incidents.
public final class ControlRoomState: Sendable {
    /// The least time between two reads of the state file.
    public let refreshEvery: Duration
    /// Timeline lines read from the state file.
    public static let timelineLimit = 50

    struct Read: Sendable {
        var cohorts: [CohortStatus]
        var timeline: [CohortTimelineEntry]
        var at: ContinuousClock.Instant
    }

    private struct Cache {
        var read: Read?
        var reading = false
        var history: StatusHistory
        /// The last refusal counts read, by cohort.
        var refusals: [String: [StoreRefusals]] = [:]
        /// The last counted value of each cohort and store (kept across a read that did not answer).
        var lastCounted: [String: Int64] = [:]
        /// The `refused` timeline lines, oldest first, at most `timelineLimit`.
        var refusalItems: [TimelineItem] = []
    }

    private let cache: Mutex<Cache>

    /// Empty; `history` sets the sampling (default one sample per 10 s, 360 kept).
    public init(refreshEvery: Duration = .seconds(1), history: StatusHistory = StatusHistory()) {
        self.refreshEvery = refreshEvery
        cache = Mutex(Cache(history: history))
    }

    /// Notes a status for the history (the ticker calls this once a tick).
    public func observe(_ status: DaemonStatus, now: ContinuousClock.Instant = .now) {
        cache.withLock { $0.history.observe(status, now: now) }
    }

    /// Takes the refusal counts read now (by cohort; the daemon's refusal reader calls this): `fill` shows them,
    /// and each counter that rose since its last counted value adds a `refused` line to the timeline (the first
    /// value seen is the baseline: a daemon does not announce the refusals of before its start).
    public func noteRefusals(_ counts: [String: [StoreRefusals]], at: Timestamp) {
        cache.withLock { c in
            for (cohort, stores) in counts.sorted(by: { $0.key < $1.key }) {
                for s in stores {
                    guard let now = s.count.count else { continue }
                    let key = cohort + "\u{0}" + s.role.rawValue
                    defer { c.lastCounted[key] = now }
                    guard let before = c.lastCounted[key], now > before else { continue }
                    let n = now - before
                    c.refusalItems.append(TimelineItem(
                        at: at, kind: "refused", cohort: cohort,
                        text: "cohort \(cohort): the \(s.role.rawValue) store's fence refused \(n) application write\(n == 1 ? "" : "s") (\(now) in all)"))
                }
            }
            if c.refusalItems.count > Self.timelineLimit { c.refusalItems.removeFirst(c.refusalItems.count - Self.timelineLimit) }
            c.refusals = counts
        }
    }

    /// Fills the cohorts, timeline and history of `status` (a daemon's live one, its sinks measured).
    public func fill(_ status: inout DaemonStatus, config: DaemonConfig) {
        let read = current(config)
        var cohorts = read?.cohorts ?? []
        if let m = config.migration, let sink = status.sinks.first(where: { $0.name == m.new }) {
            let lag = LagFigure(basis: "sink", sink: sink.name, appliedSeq: sink.appliedSeq, events: sink.lagEvents, seconds: sink.lagSeconds)
            for i in cohorts.indices { cohorts[i].detail?.forwardLag = lag }
        }
        if let r = status.reverse {  // one reverse flow carries every cut-over tenant: its lag is each such cohort's
            let lag = LagFigure(basis: "reverse", sink: "reverse", appliedSeq: r.appliedSeq, events: r.lagEvents, seconds: r.lagSeconds)
            for i in cohorts.indices where [.cutOver, .rolledBack].contains(cohorts[i].phase) { cohorts[i].detail?.reverseLag = lag }
        }
        let (history, refusals, refusalItems) = cache.withLock { ($0.history, $0.refusals, $0.refusalItems) }
        for i in cohorts.indices { cohorts[i].refused = refusals[cohorts[i].name] ?? [] }
        status.cohorts = cohorts
        var items = (read?.timeline ?? []).map { t in
            TimelineItem(at: t.entry.at, kind: t.entry.action, cohort: t.cohort, from: t.entry.from, to: t.entry.to,
                         who: t.entry.who, text: Self.text(t), pauseMs: t.entry.pauseMs)
        }
        items += history.incidents.map { TimelineItem(at: $0.at, kind: "incident", text: $0.text) }
        items += refusalItems
        status.controlRoom = ControlRoomFigures(
            timeline: Array(items.sorted { $0.at > $1.at }.prefix(2 * Self.timelineLimit + history.maxIncidents)), history: history)
    }

    private static func text(_ t: CohortTimelineEntry) -> String {
        let e = t.entry
        var text: String
        switch e.action {
        case "create": text = "cohort \(t.cohort) created in \(e.to.rawValue)"
        case "pause", "resume": text = "cohort \(t.cohort) \(e.action == "pause" ? "paused" : "resumed") in \(e.to.rawValue)"
        default: text = "cohort \(t.cohort) \(e.action == "rollback" ? "rolled back" : "advanced") \(e.from?.rawValue ?? "?") → \(e.to.rawValue)"
        }
        if let ms = e.pauseMs { text += String(format: ", write pause %.0f ms", ms) }
        return text + " by \(e.who)" + (e.why.map { ": \($0)" } ?? "")
    }

    /// The last read of the state file, read again when older than `refreshEvery` (nil without a migration
    /// block or state file).
    func current(_ config: DaemonConfig) -> Read? {
        guard config.migration != nil else { return nil }
        let now = ContinuousClock.now
        let cached = cache.withLock { c -> Read?? in
            if let r = c.read, now - r.at < refreshEvery || c.reading { return .some(r) }
            c.reading = true
            return .none
        }
        if let cached { return cached }
        let fresh = Self.read(config, at: now)
        cache.withLock { $0.read = fresh; $0.reading = false }
        return fresh
    }

    /// Reads the cohorts with their details and the recent timeline (empty when the file is missing or
    /// unreadable: the rest of `/status` still reports).
    static func read(_ config: DaemonConfig, at now: ContinuousClock.Instant) -> Read {
        var out = Read(cohorts: [], timeline: [], at: now)
        guard let m = config.migration, FileManager.default.fileExists(atPath: m.state),
              let state = try? MigrationStateFile(path: m.state, readOnly: true) else { return out }
        defer { state.close() }
        guard let cohorts = try? state.cohorts() else { return out }
        out.cohorts = cohorts.map { c in
            var s = CohortStatus(c, state: state)
            s.detail = CohortDetail.read(c, from: state, context: GateContext(config: config, migration: m, cohort: c, now: Quarantine.now()))
            return s
        }
        out.timeline = (try? state.recentTimeline(limit: timelineLimit)) ?? []
        return out
    }
}

/// The control room's members of `/status`: `timeline` and `history` (nil outside a running daemon).
public struct ControlRoomFigures: Sendable, Hashable {
    /// Newest first.
    public var timeline: [TimelineItem]
    /// The last hour's samples and the run's incidents.
    public var history: StatusHistory

    /// The members this adds to `/status`.
    var jsonMembers: [(key: String, value: JSONValue)] {
        [("timeline", .array(timeline.map(\.json))), ("history", history.json)]
    }
}

extension StatusHistory: Hashable {
    /// Equal when they hold the same samples and incidents (the sampling clock is not compared).
    public static func == (a: StatusHistory, b: StatusHistory) -> Bool { a.samples == b.samples && a.incidents == b.incidents }
    /// Hashes the samples and incidents.
    public func hash(into h: inout Hasher) { h.combine(samples); h.combine(incidents) }
}
