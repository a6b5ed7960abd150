import Foundation
import TandemCore
import TandemJournal
import TandemPipeline
import TandemSQLite
import TandemSources

/// `tandem-bench ingest`: events/s from each source into a journal (once mode, release build), next to the
/// journal's own append ceiling measured in the same run with the same batch size.
///
/// Figures: `ingest_jsonl` (Tandem event lines), `ingest_debezium` (Debezium envelopes through a mapping that
/// renames, drops, coerces and validates), `ingest_sqlite_changelog` (a trigger-fed change table).
/// TANDEM_BENCH_EVENTS sets the events per figure (default 500,000; the change table uses 2/5 of it);
/// TANDEM_BENCH_ONLY=jsonl|debezium|sqlite_changelog runs one figure (for profiling).
enum IngestBench {
    static let batch = 4096
    /// Resident memory growth across each ingest run (flat memory: it must not grow with the input).
    // The bench runs on one thread from start to end, so the unsynchronized global is never shared.
    nonisolated(unsafe) static var rssGrowth: [String] = []

    static func run() throws {
        let n = Int(ProcessInfo.processInfo.environment["TANDEM_BENCH_EVENTS"] ?? "") ?? 500_000
        let scratch = ProcessInfo.processInfo.environment["TANDEM_BENCH_DIR"] ?? NSTemporaryDirectory()
        let root = scratch + "/ingest-\(getpid())"
        try? FileManager.default.removeItem(atPath: root)
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let only = ProcessInfo.processInfo.environment["TANDEM_BENCH_ONLY"]
        func wanted(_ f: String) -> Bool { only == nil || only == f }
        let report = Report()
        report.header("ingest (\(n) events a figure, batches of \(batch))")

        var gen = SampleEvents(seed: 7)
        let events = (1...n).map { gen.event($0) }
        // The ceiling is measured right before each figure: on a shared machine a ceiling from another
        // moment would make the ratio meaningless.
        func ceiling(_ name: String) throws -> Double {
            let dir = root + "/ceiling-" + name
            defer { try? FileManager.default.removeItem(atPath: dir) }
            return try appendCeiling(events, dir: dir)
        }

        // Tandem event lines.
        if wanted("jsonl") {
        let tandemPath = root + "/changes.log"
        try writeLines(tandemPath, events.lazy.map { EventJSON.encode($0) })
        let c1 = try ceiling("jsonl")
        let jsonl = try ingest(spec: "jsonl:\(tandemPath)", mapping: .passThrough, dir: root + "/jsonl", expected: n)
        report.add(Figure(bench: "ingest", figure: "ingest_jsonl", value: jsonl, unit: "events/s", ceiling: c1))
        let alone = try ingest(spec: "jsonl:\(tandemPath)", mapping: .passThrough, dir: root + "/discard", expected: n, discard: true)
        report.note("jsonl source, decoding and mapping alone (events discarded, no journal): \(Int(alone)) events/s")
        }

        // Debezium envelopes (no schema wrapper) through a mapping.
        if wanted("debezium") {
        let dbzPath = root + "/debezium.log"
        try writeLines(dbzPath, events.lazy.map(debeziumLine))
        let mapping = try Mapping.parse(Data(#"""
            {"entities": {"customers": {"target": "clients", "primaryKey": ["id"], "tenant": "tenant",
              "columns": {
                "id": {"type": "int"},
                "email": {"rename": "email_address", "transforms": ["trim", "lower"], "validate": {"required": true, "regex": "^[^@]+@[^@]+$", "maxLength": 254}},
                "balance": {"type": "decimal", "validate": {"min": 0}},
                "active": {"type": "bool"},
                "fax": {"drop": true},
                "tenant": {"validate": {"required": true}}
              }}}}
            """#.utf8))
        let c2 = try ceiling("debezium")
        let dbz = try ingest(spec: "jsonl:\(dbzPath)?format=debezium&entity=table", mapping: mapping, dir: root + "/debezium", expected: n)
        report.add(Figure(bench: "ingest", figure: "ingest_debezium", value: dbz, unit: "events/s", ceiling: c2))
        let wide = wideDebeziumLineSeconds()
        report.note("one Debezium line of \(wide.bytes) bytes (columns and Decimals at their limit) decodes in \(String(format: "%.3f", wide.seconds)) s (goal: well under 1 s)")
        }

        // The trigger-fed change table of a legacy SQLite database.
        if wanted("sqlite_changelog") {
        let m = max(1, n * 2 / 5)
        let dbPath = root + "/legacy.db"
        try fillChangeTable(dbPath, rows: m)
        let c3 = try ceiling("sqlite")
        let sqlite = try ingest(spec: "sqlite-changelog:\(dbPath)", mapping: .passThrough, dir: root + "/sqlite_changelog", expected: m)
        report.add(Figure(bench: "ingest", figure: "ingest_sqlite_changelog", value: sqlite, unit: "events/s", ceiling: c3))
        }

        report.note("ceiling: JournalWriter.append of the same \(n) events, pre-built, in batches of \(batch) (durable, one fdatasync a batch), measured right before each figure")
        report.note("goals: ingest_jsonl >= 300000/s, ingest_sqlite_changelog >= 100000/s; peak RSS \(String(format: "%.0f", peakRSSMiB())) MiB (includes the \(n) pre-built events)")
        report.note("resident memory growth during each ingest: " + rssGrowth.joined(separator: ", "))
        report.finish()
    }

    static func options() -> JournalOptions { JournalOptions(logger: { _ in }) }

    static func appendCeiling(_ events: [Event], dir: String) throws -> Double {
        try Journal.create(at: dir, options: options())
        let w = try JournalWriter(directory: dir, options: options())
        defer { w.close() }
        let start = now()
        var i = 0
        while i < events.count {
            let end = min(i + batch, events.count)
            try w.append(Array(events[i..<end]))
            i = end
        }
        return Double(events.count) / (now() - start)
    }

    /// Takes events and forgets them: the source side's own ceiling.
    final class DiscardJournal: IngestJournal {
        var seq: UInt64 = 0
        func appendDurably(_ events: [Event]) throws -> ClosedRange<UInt64>? {
            guard !events.isEmpty else { return nil }
            defer { seq += UInt64(events.count) }
            return (seq + 1)...(seq + UInt64(events.count))
        }
        func lastSourcePosition(where belongs: (String) -> Bool) throws -> String? { nil }
        func event(at seq: UInt64) throws -> Event? { nil }
    }

    static func ingest(spec: String, mapping: Mapping, dir: String, expected: Int, discard: Bool = false) throws -> Double {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Journal.create(at: dir, options: options())
        let w = try JournalWriter(directory: dir, options: options())
        defer { w.close() }
        let journal: any IngestJournal = discard ? DiscardJournal() : w
        var settings = Ingestor.Settings()
        settings.batchSize = batch
        let ing = Ingestor(source: try SourceSpec.parse(spec).makeSource(), journal: journal,
                           quarantine: try Quarantine(journal: dir), mapping: mapping, settings: settings)
        let rssBefore = currentRSSMiB()
        let start = now()
        let s = try ing.run(once: true)
        rssGrowth.append("\(dir.split(separator: "/").last!) \(String(format: "%+.0f", currentRSSMiB() - rssBefore)) MiB")
        let rate = Double(s.journaled) / (now() - start)
        guard s.journaled == expected, s.quarantined == 0 else {
            throw RawDisk.Failure(description: "\(spec): journaled \(s.journaled), quarantined \(s.quarantined), expected \(expected)")
        }
        return rate
    }

    static func writeLines<S: Sequence>(_ path: String, _ lines: S) throws where S.Element == [UInt8] {
        guard let h = FileHandle(forWritingAtPath: path) ?? (FileManager.default.createFile(atPath: path, contents: nil) ? FileHandle(forWritingAtPath: path) : nil) else {
            throw RawDisk.Failure(description: "cannot write \(path)")
        }
        defer { try? h.close() }
        var buf: [UInt8] = []
        buf.reserveCapacity(1 << 20)
        for l in lines {
            buf += l; buf.append(0x0A)
            if buf.count >= 1 << 20 { h.write(Data(buf)); buf.removeAll(keepingCapacity: true) }
        }
        h.write(Data(buf))
    }

    /// The event as a Debezium envelope without the schema wrapper; the balance as text, a legacy column to drop.
    static func debeziumLine(_ e: Event) -> [UInt8] {
        var o: [UInt8] = []
        func row(_ r: Row) {
            o += Array(#"{"id":"#.utf8); EventJSON.write(r["id"]!, into: &o)
            o += Array(#","email":"#.utf8); EventJSON.write(r["email"]!, into: &o)
            if case .decimal(let d)? = r["balance"] { o += Array(#","balance":""#.utf8) + Array(d.utf8) + [UInt8(ascii: "\"")] }
            if let a = r["active"] { o += Array(#","active":"#.utf8); EventJSON.write(a, into: &o) }
            o += Array(#","fax":"0711-1234","tenant":""#.utf8) + Array((e.tenant ?? "").utf8) + Array("\"}".utf8)
        }
        o += Array(#"{"before":"#.utf8); row(e.before!)
        o += Array(#","after":"#.utf8); row(e.after!)
        o += Array(#","source":{"version":"2.7.0.Final","connector":"postgresql","name":"legacy","ts_ms":1795000000000,"snapshot":"false","db":"legacy","schema":"public","table":"customers","txId":"#.utf8)
        o += Array((e.txn ?? "0").utf8.filter { $0 >= 48 && $0 <= 57 })  // "t-42" → 42
        o += Array(#","lsn":24023128,"xmin":null},"op":"u","ts_ms":1795000000100}"#.utf8)
        return o
    }

    static func fillChangeTable(_ path: String, rows: Int) throws {
        let db = try Database(path: path)
        defer { db.close() }
        try db.execute("PRAGMA journal_mode=WAL; CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT, balance TEXT, active INTEGER, tenant TEXT)")
        try ChangeTableTriggers.install(db: db, tables: ["customers"])
        let ins = try db.prepare("INSERT INTO customers VALUES (?, ?, ?, ?, ?)")
        var gen = SampleEvents(seed: 11)
        var i = 0
        while i < rows {
            try db.transaction {
                for _ in 0..<min(10_000, rows - i) {
                    i += 1
                    let e = gen.event(i)
                    let a = e.after!
                    try ins.bind(a["id"]!, at: 1); try ins.bind(a["email"]!, at: 2)
                    if case .decimal(let d)? = a["balance"] { try ins.bind(.string(d), at: 3) }
                    try ins.bind(.int(a["active"] == .bool(true) ? 1 : 0), at: 4)
                    try ins.bind(.string(e.tenant ?? ""), at: 5)
                    try ins.execute()
                }
            }
        }
    }
}
