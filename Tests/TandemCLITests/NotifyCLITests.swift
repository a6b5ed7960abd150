import Foundation
import TandemTesting
import XCTest

/// Issue 15 through the real `tandem` binary: 50 customers in two languages told in plain words, the export a
/// mailing system reads, and cut-over refused until the customers were told in time (time injected with
/// TANDEM_NOW, never slept).
final class NotifyCLITests: XCTestCase {
    var dir: URL!
    var path: (String) -> String { { self.dir.appendingPathComponent($0).path } }
    var configPath: String { path("tandem.json") }
    static let window = "2026-12-14T22:00:00Z..2026-12-15T02:00:00Z"

    static var shippedTemplates: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("ops/notify-templates")
    }

    /// 50 tenants t01…t50 (odd English, even Spanish; t07 without email) and two pilot tenants p1, p2; emails
    /// written untidily in legacy (the mapping trims and lower-cases them); a password hash the mapping drops.
    override func setUpWithError() throws {
        dir = try temporaryDirectory(self, name)
        var sql = "CREATE TABLE items (id INTEGER PRIMARY KEY, tenant TEXT NOT NULL, name TEXT, qty INTEGER);"
            + "CREATE TABLE customers (id INTEGER PRIMARY KEY, company TEXT, email TEXT, name TEXT, lang TEXT, password_hash TEXT);"
        let tenants = (1...50).map { String(format: "t%02d", $0) } + ["p1", "p2"]
        for (i, t) in tenants.enumerated() {
            let email = t == "t07" ? "NULL" : "'  Boss.\(t.uppercased())@Example.TEST '"
            let lang = i % 2 == 0 ? "en" : "ES"
            sql += "INSERT INTO items VALUES (\(i + 1), '\(t)', 'x', 1);"
            sql += "INSERT INTO customers VALUES (\(i + 1), '\(t)', \(email), 'Name \(t)', '\(lang)', 'hash');"
        }
        _ = try sqlite3(path("legacy.db"), sql)
        try #"{"entities": {"items": {"tenant": "tenant"}, "customers": {"tenant": "company", "columns": {"company": {"rename": "tenant"}, "#
            .appending(#""email": {"transforms": ["trim", "lower"]}, "password_hash": {"drop": true}}}}}"#)
            .write(toFile: path("mapping.json"), atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(at: Self.shippedTemplates, to: dir.appendingPathComponent("templates"))
        let config = #"{"journal": "journal", "source": "sqlite-changelog:legacy.db", "mapping": "mapping.json","#
            + #" "sinks": [{"name": "new", "into": "sqlite:new.db"}], "http": {"listen": "127.0.0.1:0"},"#
            + #" "migration": {"new": "new", "legacy": "sqlite:legacy.db", "state": "state.db", "maxForwardLagSeconds": 30},"#
            + #" "notify": {"contacts": {"entity": "customers", "tenant": "company", "email": "email", "name": "name", "locale": "lang"},"#
            + #" "leadTime": "P14D", "templates": "templates/", "defaultLocale": "en", "statusPage": "https://status.example/customers/"}}"#
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        let r = try CLI.run(["journal", "init", path("journal")])
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    func tandem(_ args: [String], now: String = "2026-11-20T09:00:00Z") throws -> CLIResult {
        try CLI.run(args + ["--config", configPath], environment: ["TANDEM_NOW": now])
    }

    /// Moves the cohort to shadow and verifies it (the verify gate guards leaving shadow): the new store holds the
    /// legacy rows as the mapping makes them (written here, no daemon runs in these tests).
    func shadowAndVerify(_ cohort: String) throws {
        var r = try tandem(["cohort", "advance", cohort, "--to", "shadow"])
        XCTAssertEqual(r.status, 0, r.stderr)
        // With primary keys, as a sink creates them: the cut-over installs reverse capture on these tables.
        _ = try sqlite3(path("new.db"), "ATTACH '\(path("legacy.db"))' AS l;"
                        + " CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY, tenant TEXT NOT NULL, name TEXT, qty INTEGER);"
                        + " INSERT OR IGNORE INTO items SELECT * FROM l.items;"
                        + " CREATE TABLE IF NOT EXISTS customers (id INTEGER PRIMARY KEY, tenant TEXT, email TEXT, name TEXT, lang TEXT);"
                        + " INSERT OR IGNORE INTO customers SELECT id, company, lower(trim(email)), name, lang FROM l.customers;")
        r = try tandem(["verify", "--cohort", cohort, "--settle", "0"])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
    }

    func createBigCohort() throws {
        let list = (1...50).map { String(format: "t%02d", $0) }.joined(separator: ",")
        let r = try tandem(["cohort", "create", "big", "--tenants", list, "--window", Self.window])
        XCTAssertEqual([r.status.description, r.stdout], ["0", "cohort big: 50 tenants, phase planned\n"], r.stderr)
    }

    func testPlanListsTheMissingContactAndTheSuggestedPasswordReset() throws {
        try createBigCohort()
        let r = try tandem(["notify", "plan", "--cohort", "big"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("cohort big: 50 tenant(s), phase planned\n  window \(Self.window); notice to be sent by"
                                         + " 2026-11-30T22:00:00Z (lead time P14D)\n"), r.stdout)
        XCTAssertTrue(r.stdout.contains("  password-reset (before-cut-over, suggested): the mapping changes the stored credentials:"
                                        + " customers.password_hash (dropped)\n"), r.stdout)
        XCTAssertTrue(r.stdout.contains("  t01: boss.t01@example.test Name t01 (en)\n  t02: boss.t02@example.test Name t02 (es)\n"), r.stdout)
        XCTAssertTrue(r.stdout.hasSuffix("missing:\n  tenant t07: contact Name t07 has no email\n"), r.stdout)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try tandem(["notify", "plan", "--cohort", "big", "--json"]).stdout.utf8)) as? [String: Any])
        XCTAssertEqual(json["sendBy"] as? String, "2026-11-30T22:00:00Z")
        XCTAssertEqual(json["missing"] as? [String], ["tenant t07: contact Name t07 has no email"])
        XCTAssertEqual((json["contacts"] as? [[String: Any]])?.count, 50)
    }

    func testRenderGives49MessagesInTheirLanguagesAndExportCSVParsesWithTheSameRows() throws {
        try createBigCohort()
        var r = try tandem(["notify", "render", "--cohort", "big", "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let messages = try r.stdout.split(separator: "\n").map {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        XCTAssertEqual(messages.count, 49)
        XCTAssertFalse(messages.contains { $0["tenant"] as? String == "t07" })
        for m in messages {
            let tenant = m["tenant"] as! String, subject = m["subject"] as! String, body = m["body"] as! String
            let spanish = Int(tenant.dropFirst())! % 2 == 0
            XCTAssertEqual(m["locale"] as? String, spanish ? "es" : "en")
            XCTAssertEqual(m["email"] as? String, "boss.\(tenant)@example.test")
            XCTAssertTrue(subject.hasPrefix(spanish ? "Acción necesaria antes del lunes, 14 de diciembre de 2026" : "Action needed before Monday, December 14, 2026"),
                          subject)
            XCTAssertTrue(body.contains(spanish ? "- Elija una contraseña nueva" : "- Choose a new password"), body)
            XCTAssertTrue(body.contains("https://status.example/customers/\(tenant)"), body)
            XCTAssertFalse(subject.contains("{{") || body.contains("{{") || body.contains("}}"), body)
        }

        let csv = path("out.csv")
        r = try tandem(["notify", "export", "--cohort", "big", "--out", csv])
        XCTAssertEqual([r.status.description, r.stderr], ["0", "tandem: 49 message(s) written to \(csv)\n"])
        let py = try runTool("/usr/bin/python3", ["-c", """
            import csv, json, sys
            rows = list(csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8')))
            print(json.dumps([[r['tenant'], r['email'], r['locale'], r['subject'], r['body']] for r in rows]))
            """, csv])
        XCTAssertEqual(py.status, 0, py.stderr)
        let rows = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(py.stdout.utf8)) as? [[String]])
        XCTAssertEqual(rows.count, 49)
        XCTAssertEqual(rows.map { [$0[0], $0[1], $0[2], $0[3], $0[4]] },
                       messages.map { m in ["tenant", "email", "locale", "subject", "body"].map { m[$0] as! String } })
    }

    func testCutOverWaitsUntilTheCustomersWereToldInTimeAndTheWindowOpened() throws {
        var r = try tandem(["cohort", "create", "pilot", "--tenants", "p1,p2"])
        XCTAssertEqual(r.status, 0, r.stderr)
        try shadowAndVerify("pilot")
        r = try tandem(["cohort", "advance", "pilot", "--to", "reads-new"])
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try tandem(["cohort", "advance", "pilot"])
        XCTAssertEqual([r.status.description, r.stderr], ["1", "tandem: cohort pilot stays in reads-new: gate notice for reads-new → cut-over does not hold:"
                                                           + " no window is scheduled (tandem cohort schedule pilot --window START..END)\n"])
        r = try tandem(["cohort", "schedule", "pilot", "--window", "2026-12-15T02:00:00Z..2026-12-14T22:00:00Z"])
        XCTAssertEqual([r.status.description, r.stderr], ["64", "tandem: --window: its start 2026-12-15T02:00:00Z is not before its end 2026-12-14T22:00:00Z\n"])
        r = try tandem(["cohort", "schedule", "pilot", "--window", Self.window])
        XCTAssertEqual([r.status.description, r.stdout], ["0", "cohort pilot: window \(Self.window)\n"], r.stderr)

        let inWindow = "2026-12-14T23:00:00Z"
        r = try tandem(["cohort", "advance", "pilot"], now: inWindow)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.hasSuffix("gate notice for reads-new → cut-over does not hold: 2 customer(s) not told in time:"
                                         + " p1 (no notice sent), p2 (no notice sent) (tandem notify mark-sent)\n"), r.stderr)
        r = try tandem(["notify", "mark-sent", "--cohort", "pilot", "--at", "2026-12-05T10:00:00Z"])
        XCTAssertEqual([r.status.description, r.stdout], ["0", "cohort pilot: action-needed notice recorded for 2 address(es) at 2026-12-05T10:00:00Z\n"], r.stderr)
        r = try tandem(["cohort", "advance", "pilot"], now: inWindow)
        XCTAssertTrue(r.stderr.hasSuffix("2 customer(s) not told in time: p1 (told 2026-12-05T10:00:00Z, after 2026-11-30T22:00:00Z = P14D before the window),"
                                         + " p2 (told 2026-12-05T10:00:00Z, after 2026-11-30T22:00:00Z = P14D before the window) (tandem notify mark-sent)\n"), r.stderr)

        r = try tandem(["notify", "mark-sent", "--cohort", "pilot", "--at", "2026-11-25T10:00:00Z"])
        XCTAssertEqual(r.status, 0, r.stderr)
        // The mailer's report of delivery, later than the lead time, keeps when the notice went out.
        try "email,status\nboss.p1@example.test,delivered\n".write(toFile: path("delivered.csv"), atomically: true, encoding: .utf8)
        r = try tandem(["notify", "mark-sent", "--cohort", "pilot", "--report", path("delivered.csv")], now: "2026-12-10T00:00:00Z")
        XCTAssertEqual([r.status.description, r.stdout], ["0", "cohort pilot: action-needed notice recorded for 1 address(es)\n"], r.stderr)
        r = try tandem(["cohort", "advance", "pilot"], now: "2026-12-14T21:59:59Z")
        XCTAssertEqual([r.status.description, r.stderr], ["1", "tandem: cohort pilot stays in reads-new: gate notice for reads-new → cut-over does not hold:"
                                                           + " its window starts at 2026-12-14T22:00:00Z, not yet\n"])
        r = try tandem(["notify", "status", "--cohort", "pilot"], now: inWindow)
        XCTAssertEqual([r.status.description, r.stdout], ["0", "cohort pilot: 2 customer(s) told in time\n  the notice gate holds\n"], r.stderr)
        r = try tandem(["cohort", "advance", "pilot"], now: inWindow)
        XCTAssertEqual([r.status.description, r.stdout], ["0", "cohort pilot: reads-new → cut-over\n"], r.stderr)
        r = try tandem(["cohort", "show", "pilot", "--json"], now: inWindow)
        XCTAssertTrue(r.stdout.contains(#"{"gate":"notice","passed":true,"detail":"2 customer(s) told in time","checkedAt":"2026-12-14T23:00:00.000000Z""#), r.stdout)
    }

    func testBouncesShowInStatusAndKeepTheGateShutUntilForcedWithWhyAndARollbackRendersMovedBack() throws {
        try createBigCohort()
        var r = try tandem(["notify", "mark-sent", "--cohort", "big", "--at", "2026-11-21T08:00:00Z"])
        XCTAssertEqual(r.stdout, "cohort big: action-needed notice recorded for 49 address(es) at 2026-11-21T08:00:00Z\n", r.stderr)
        try "email,status\nboss.t01@example.test,delivered\n\"BOSS.T03@example.test\",bounced\n".write(toFile: path("report.csv"), atomically: true, encoding: .utf8)
        r = try tandem(["notify", "mark-sent", "--cohort", "big", "--report", path("report.csv")])
        XCTAssertEqual([r.status.description, r.stdout], ["0", "cohort big: action-needed notice recorded for 2 address(es), 1 bounced\n"], r.stderr)
        r = try tandem(["notify", "status", "--cohort", "big"], now: "2026-12-14T23:00:00Z")
        XCTAssertEqual([r.status.description, r.stdout], ["1", "cohort big: 2 customer(s) not told in time: t03 (bounced: boss.t03@example.test),"
                                                          + " t07 (no email: an action is required) (tandem notify mark-sent)\n"
                                                          + "  bounced: boss.t03@example.test (tenant t03)\n  the notice gate does not hold\n"], r.stderr)
        try shadowAndVerify("big")
        r = try tandem(["cohort", "advance", "big", "--to", "reads-new"])
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try tandem(["cohort", "advance", "big", "--force"], now: "2026-12-14T23:00:00Z")
        XCTAssertEqual([r.status.description, r.stderr], ["64", "tandem: advance: --force needs --why (it is recorded in the timeline)\n"])
        r = try tandem(["cohort", "advance", "big", "--force", "--why", "t03 and t07 were phoned", "--by", "ops"], now: "2026-12-14T23:00:00Z")
        XCTAssertEqual([r.status.description, r.stdout], ["0", "cohort big: reads-new → cut-over\n"], r.stderr)
        r = try tandem(["cohort", "show", "big"], now: "2026-12-14T23:00:00Z")
        XCTAssertTrue(r.stdout.contains("  2026-12-14T23:00:00.000000Z  advance  reads-new → cut-over  by ops, write pause "), r.stdout)
        XCTAssertTrue(r.stdout.contains(" ms: forced past gate notice (2 customer(s) not told in time: t03 (bounced: boss.t03@example.test),"
                                        + " t07 (no email: an action is required) (tandem notify mark-sent)): t03 and t07 were phoned\n"), r.stdout)

        // A rollback renders the "moved back" message for the cohort by itself.
        r = try tandem(["cohort", "rollback", "big", "--why", "slow"], now: "2026-12-14T23:30:00Z")
        XCTAssertEqual([r.status.description, r.stdout], ["0", "cohort big: cut-over → rolled-back\n"
                                                          + "moved-back message rendered for 49 recipient(s): \(path("notices/big.moved-back.jsonl"))\n"], r.stderr)
        let moved = try String(contentsOfFile: path("notices/big.moved-back.jsonl"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(moved.count, 49)
        // The next attempt needs its own notice: the one before the rollback announced the first.
        r = try tandem(["cohort", "schedule", "big", "--window", "2027-01-20T22:00:00Z..2027-01-21T02:00:00Z"])
        r = try tandem(["notify", "status", "--cohort", "big", "--json"], now: "2027-01-20T23:00:00Z")
        let status = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        XCTAssertEqual([r.status.description, "\(status["told"]!)", "\((status["notTold"] as? [Any])?.count ?? -1)", "\(status["sendBy"]!)"],
                       ["1", "0", "50", "2027-01-06T22:00:00Z"], r.stdout)
        XCTAssertTrue(moved[1].contains(#""tenant":"t02","email":"boss.t02@example.test","name":"Name t02","locale":"es","message":"moved-back","#
                                        + #""subject":"Hemos devuelto su cuenta a su lugar, no se ha perdido nada""#), String(moved[1]))

        try "email,status\nnobody@example.test,delivered\n".write(toFile: path("bad.csv"), atomically: true, encoding: .utf8)
        r = try tandem(["notify", "mark-sent", "--cohort", "big", "--report", path("bad.csv")])
        XCTAssertEqual([r.status.description, r.stderr], ["65", "tandem: delivery report \(path("bad.csv")) line 2: nobody@example.test is not a contact of cohort big;"
                                                          + " expected CSV columns email,status (delivered or bounced)[,at]\n"])
    }

    func testAnUnknownPlaceholderOrAMissingValueIsAnErrorNotAHole() throws {
        try createBigCohort()
        try "Subject: Hi {{name}}\n\nYour {{accountNumber}} moves.\n".write(toFile: path("templates/moving.en.txt"), atomically: true, encoding: .utf8)
        var r = try tandem(["notify", "render", "--cohort", "big", "--message", "moving"])
        XCTAssertEqual([r.status.description, r.stdout], ["65", ""])
        XCTAssertEqual(r.stderr, "tandem: template \(path("templates/moving.en.txt")): unknown placeholder {{accountNumber}};"
                       + " known: \(["name", "tenant", "window", "windowStart", "windowEnd", "deadline", "actions", "statusPage"].joined(separator: ", "))\n")
        r = try tandem(["cohort", "create", "nowindow", "--tenants", "p1"])
        r = try tandem(["notify", "render", "--cohort", "nowindow", "--message", "action-needed"])
        XCTAssertEqual([r.status.description, r.stdout], ["65", ""])
        XCTAssertEqual(r.stderr, "tandem: template \(path("templates/action-needed.en.txt")) for boss.p1@example.test (tenant p1): no value for {{deadline}};"
                       + " nothing was rendered (a message is never sent with a hole)\n")
    }

    func testALocaleWithoutTemplatesFallsBackToItsLanguageThenTheDefault() throws {
        _ = try sqlite3(path("legacy.db"), "UPDATE customers SET lang = 'fr' WHERE company = 't01'; UPDATE customers SET lang = 'es-MX' WHERE company = 't03';"
                        + "UPDATE customers SET lang = NULL WHERE company = 't05';")
        try createBigCohort()
        var r = try tandem(["notify", "plan", "--cohort", "big"])
        for kind in ["moving", "action-needed", "done", "moved-back"] {
            XCTAssertTrue(r.stdout.contains("  no \(kind) template for locale fr (falls back to en)\n"), r.stdout)
            XCTAssertTrue(r.stdout.contains("  no \(kind) template for locale es-mx (falls back to en)\n"), r.stdout)
        }
        r = try tandem(["notify", "export", "--cohort", "big", "--format", "jsonl", "--message", "done"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let locales = Dictionary(uniqueKeysWithValues: try r.stdout.split(separator: "\n").map {
            let o = try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
            return (o["tenant"] as! String, "\(o["locale"]!) \(o["subject"]!)")
        })
        XCTAssertEqual(locales["t01"], "en Your account has moved")
        XCTAssertEqual(locales["t03"], "es Su cuenta ya se ha trasladado")
        XCTAssertEqual(locales["t05"], "en Your account has moved")
        XCTAssertEqual(locales["t02"], "es Su cuenta ya se ha trasladado")
    }

    func testShippedTemplatesSpeakPlainLanguageInEnglishAndSpanish() throws {
        let words = ["journal", "replication", "cohort", "tenant", "database", "sync", "seq"]
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.shippedTemplates.path).sorted()
        for kind in ["moving", "action-needed", "done", "moved-back"] {
            for locale in ["en", "es"] { XCTAssertTrue(files.contains("\(kind).\(locale).txt"), "\(kind).\(locale).txt is not shipped") }
        }
        for f in files {
            let text = try String(contentsOf: Self.shippedTemplates.appendingPathComponent(f), encoding: .utf8).lowercased()
            for w in words { XCTAssertFalse(text.contains(w), "\(f) says \"\(w)\"") }
        }
    }

    /// The customer's page from the running daemon: JSON, and HTML rendered by a real headless chromium.
    func testTheStatusPageShowsItsOwnWindowAndActionsInItsLanguageAndNoOtherTenant() throws {
        try createBigCohort()
        var r = try CLI.run(["source", "install-triggers", "--db", path("legacy.db"), "--tables", "items"])
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try CLI.run(["journal", "init", path("journal")])  // already made in setUp: the daemon opens it
        let daemon = try DaemonProcess(config: configPath, logFile: path("run.log"))
        defer { daemon.signal(SIGTERM); daemon.waitForExit() }
        daemon.waitForLog("ready:")
        let port = try XCTUnwrap(daemon.port)
        func get(_ p: String) throws -> (Int, String) {
            let c = try runTool("/usr/bin/curl", ["-s", "-m", "5", "-w", "\n%{http_code}", "http://127.0.0.1:\(port)\(p)"])
            var lines = c.stdout.components(separatedBy: "\n")
            let code = Int(lines.popLast() ?? "") ?? 0
            return (code, lines.joined(separator: "\n"))
        }
        var (code, body) = try get("/v1/customers/t02/status")
        XCTAssertEqual(code, 200, body)
        XCTAssertEqual(body, #"{"tenant":"t02","status":"scheduled","locale":"es","window":{"start":"2026-12-14T22:00:00Z","end":"2026-12-15T02:00:00Z"},"#
                       + #""actions":[{"id":"password-reset","text":"Elija una contraseña nueva (le enviaremos un enlace; su contraseña actual dejará de funcionar después del traslado)."}]}"# + "\n")
        (code, body) = try get("/v1/customers/nobody/status")
        XCTAssertEqual([String(code), body], ["404", "404 Not Found: no move is planned for this account\n"])

        guard let chromium = HeadlessChromium.path else {
            return XCTFail("chromium is not installed: scripts/setup installs it (apt-get install chromium)")
        }
        let page = "http://127.0.0.1:\(port)/customers/t02"
        let common = HeadlessChromium.arguments(profile: path("profile"))
        let dom = try runTool(chromium, common + ["--dump-dom", page])
        XCTAssertEqual(dom.status, 0, dom.stderr)
        XCTAssertTrue(dom.stdout.contains(#"<main id="customer-status" data-status="scheduled">"#), dom.stdout)
        XCTAssertTrue(dom.stdout.contains("<h1>Hola Name t02</h1>"), dom.stdout)
        XCTAssertTrue(dom.stdout.contains(#"<p id="window">Su cuenta se traslada el lunes, 14 de diciembre de 2026"#), dom.stdout)
        XCTAssertTrue(dom.stdout.contains(#"<li data-action="password-reset">Elija una contraseña nueva"#), dom.stdout)
        XCTAssertTrue(dom.stdout.contains("Estado: <strong>programado</strong>"), dom.stdout)
        for other in (1...50).map({ String(format: "t%02d", $0) }) + ["p1", "p2"] where other != "t02" {
            XCTAssertFalse(dom.stdout.contains(other), "the page of t02 names \(other)")
        }
        for word in ["cohort", "big", "password_hash", "legacy", "reads-new", "planned"] {
            XCTAssertFalse(dom.stdout.lowercased().contains(word), "the page says \(word)")
        }
        let shot = ProcessInfo.processInfo.environment["TANDEM_KEEP_SCREENSHOT"] ?? path("status.png")
        let s = try runTool(chromium, common + ["--screenshot=\(shot)", "--window-size=800,600", page])
        XCTAssertEqual(s.status, 0, s.stderr)
        XCTAssertTrue(HeadlessChromium.isPNG(shot, atLeast: 5_000), "no screenshot in \(shot)")
        XCTAssertFalse(s.stderr.contains(":CONSOLE"), "no console message: \(s.stderr)")
    }

    func testWithoutANotifyBlockOrACohortItIsOneLine() throws {
        var r = try tandem(["notify", "plan", "--cohort", "nope"])
        XCTAssertEqual([r.status.description, r.stderr], ["74", "tandem: migration state \(path("state.db")): no such file (no cohort was created yet: tandem cohort create)\n"])
        r = try tandem(["cohort", "create", "c", "--tenants", "p1"])
        r = try tandem(["notify", "plan", "--cohort", "nope"])
        XCTAssertEqual([r.status.description, r.stderr], ["66", "tandem: no cohort named \"nope\"; cohorts: c\n"])
        r = try tandem(["notify", "render"])
        XCTAssertEqual([r.status.description, r.stderr], ["64", "tandem: notify render: missing --cohort\n"])
        let config = try String(contentsOfFile: configPath, encoding: .utf8)
        try (config.components(separatedBy: #", "notify": "#)[0] + "}").write(toFile: configPath, atomically: true, encoding: .utf8)
        r = try tandem(["notify", "plan", "--cohort", "c"])
        XCTAssertEqual(r.status, 65)
        XCTAssertTrue(r.stderr.hasPrefix("tandem: \(configPath) has no \"notify\" block; add {\"contacts\": "), r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1)
    }

    func testABadClockIsOneLineAndExit65() throws {
        let r = try tandem(["cohort", "list"], now: "yesterday")
        XCTAssertEqual(r.status, 0)  // list does not read the clock
        let s = try tandem(["cohort", "create", "c", "--tenants", "p1"], now: "yesterday")
        XCTAssertEqual(s.status, 65)
        XCTAssertTrue(s.stderr.hasPrefix("tandem: TANDEM_NOW=yesterday is not an RFC 3339 time ("), s.stderr)
        XCTAssertEqual(s.stderr.split(separator: "\n").count, 1)
    }
}
