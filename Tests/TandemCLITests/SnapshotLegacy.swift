import Foundation
import TandemCore
import XCTest

/// A legacy SQLite database for the snapshot tests: three tables with rows that existed before the triggers
/// (an integer key with REAL and BLOB columns, a composite key WITHOUT ROWID, a text key), and a legacy
/// application in a separate `sqlite3` process changing them throughout.
struct SnapshotLegacy {
    let path: String
    /// Table → (columns, primary-key columns).
    static let tables: [(name: String, columns: [String], key: [String])] = [
        ("codes", ["code", "label", "weight"], ["code"]),
        ("customers", ["id", "email", "score", "avatar"], ["id"]),
        ("lines", ["order_id", "line", "qty", "price"], ["order_id", "line"]),
    ]

    /// Creates the tables with `rows` rows spread over them, then installs the triggers.
    static func create(at path: String, rows: Int) throws -> SnapshotLegacy {
        let c = rows / 2, l = rows / 3, k = rows - c - l
        let out = try runSQLite(path, """
            CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT NOT NULL, score REAL, avatar BLOB);
            CREATE TABLE lines (order_id INTEGER, line INTEGER, qty INTEGER, price REAL, PRIMARY KEY (order_id, line)) WITHOUT ROWID;
            CREATE TABLE codes (code TEXT PRIMARY KEY, label TEXT, weight REAL);
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(c))
              INSERT INTO customers SELECT i, 'user' || i || '@example.com', \(randomDoubleSQL), randomblob(1 + i % 24) FROM n;
            WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < \(l - 1))
              INSERT INTO lines SELECT i / 4, i % 4, i, \(randomDoubleSQL) FROM n;
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(k))
              INSERT INTO codes SELECT printf('c%05d', i), 'label ' || i || ' é', \(randomDoubleSQL) FROM n;
            """)
        XCTAssertEqual(out.status, 0, out.stderr)
        let t = try CLI.run(["source", "install-triggers", "--db", path, "--tables", "customers,lines,codes"])
        XCTAssertEqual(t.status, 0, t.stderr)
        return SnapshotLegacy(path: path)
    }

    /// SQL for a random finite double of any magnitude: a random 53-bit significand times a random power of
    /// two from 2^-1074 (subnormals) to 2^969, so most have 17 significant digits (`ieee754()` is built into
    /// the sqlite3 shell).
    static let randomDoubleSQL = "ieee754((random() % 9007199254740992), abs(random()) % 2044 - 1074)"

    /// A random finite double as an exact SQL literal (its bit pattern), a quarter of them subnormal.
    static func randomDouble(_ rng: inout SplitMix64) -> String {
        var bits = rng.next()
        if bits >> 52 & 0x7FF == 0x7FF { bits &= ~(UInt64(1) << 62) }  // not Inf or NaN
        if rng.next() % 4 == 0 { bits &= ~(UInt64(0x7FF) << 52) }     // subnormal (or ±0)
        return "ieee754_from_blob(x'" + String(format: "%016llX", bits) + "')"
    }

    /// The legacy application's statements: updates (random doubles), inserts, deletes, BLOB changes, key
    /// changes as real `UPDATE … SET key = …` (an integer key, a text key, and the composite key of several
    /// rows in one statement) and multi-row transactions; returns them with the initial keys they remove.
    static func workload(steps: Int, rows: Int, seed: UInt64) -> (statements: [String], deleted: Set<String>) {
        var rng = SplitMix64(seed: seed)
        let c = rows / 2, l = rows / 3, k = rows - c - l
        var out: [String] = [], deleted: Set<String> = []
        func pick(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
        func double() -> String { randomDouble(&rng) }
        for s in 0..<steps {
            switch pick(8) {
            case 0:
                out.append("UPDATE customers SET score = \(double()), email = email || '+' WHERE id = \(1 + pick(c));")
            case 1:
                out.append("INSERT INTO customers VALUES (\(c + 1 + s), 'new\(s)@example.com', \(double()), randomblob(5));")
            case 2:
                let id = 1 + pick(c)
                deleted.insert("customers/\(id)")
                out.append("DELETE FROM customers WHERE id = \(id);")
            case 3:
                let o = pick(max(1, l / 4))
                out.append("BEGIN; UPDATE lines SET qty = qty + 1, price = \(double()) WHERE order_id = \(o); "
                           + "INSERT OR REPLACE INTO lines VALUES (\(o), \(10 + s), \(s), \(double())); UPDATE customers SET avatar = randomblob(3) WHERE id = \(1 + pick(c)); COMMIT;")
            case 4:
                // A text key changes in place.
                let code = String(format: "c%05d", 1 + pick(k))
                deleted.insert("codes/\(code)")
                out.append("UPDATE codes SET code = code || '-\(s)', weight = \(double()) WHERE code = '\(code)';")
            case 5:
                // An integer key changes in place (to a key no other step uses).
                let id = 1 + pick(c)
                deleted.insert("customers/\(id)")
                out.append("UPDATE customers SET id = \(-1 - s) WHERE id = \(id);")
            case 6:
                // Part of a composite key changes for every line of an order in one statement, in a transaction
                // with another change.
                let o = pick(max(1, l / 4))
                for j in 0..<4 where o * 4 + j < l { deleted.insert("lines/\(o)/\(j)") }
                out.append("BEGIN; UPDATE lines SET order_id = \(-1 - s) WHERE order_id = \(o); "
                           + "UPDATE codes SET label = label || '?' WHERE code = '\(String(format: "c%05d", 1 + pick(k)))'; COMMIT;")
            default:
                out.append("UPDATE codes SET label = label || '!', weight = \(double()) WHERE code = '\(String(format: "c%05d", 1 + pick(k)))';")
            }
        }
        return (out, deleted)
    }

    /// Every row of every table in key order, each value as SQLite's `quote()` spells it, a REAL as its bit
    /// pattern (`quote()` prints 15 digits, which would hide a wrong last bit).
    func dump(_ db: String? = nil) throws -> [String: [String]] {
        var out: [String: [String]] = [:]
        for t in Self.tables {
            let sql = "SELECT \(t.columns.map { "CASE typeof(\($0)) WHEN 'real' THEN 'r' || hex(ieee754_to_blob(\($0))) ELSE quote(\($0)) END" }.joined(separator: " || ',' || ")) FROM \(t.name) ORDER BY \(t.key.joined(separator: ", "));"
            let r = try runSQLite(db ?? path, sql)
            XCTAssertEqual(r.status, 0, r.stderr)
            out[t.name] = r.stdout.split(separator: "\n").map(String.init)
        }
        return out
    }

    /// How PostgreSQL spells a column's value as `dump` does (a double as its big-endian bit pattern).
    static func postgresQuote(_ column: String) -> String {
        switch column {
        case "email", "label", "code": return "coalesce(quote_literal(\(column)), 'NULL')"
        case "avatar": return "coalesce('X''' || upper(encode(\(column), 'hex')) || '''', 'NULL')"
        case "score", "price", "weight":
            return "coalesce('r' || upper(encode(float8send(\(column)), 'hex')), 'NULL')"
        default: return "coalesce(\(column)::text, 'NULL')"
        }
    }

    /// Every row of every table in the PostgreSQL database `dbname` (psql of TANDEM_PG_BIN, PGHOST…), as `dump`.
    func dumpPostgres(_ dbname: String) throws -> [String: [String]] {
        var out: [String: [String]] = [:]
        for t in Self.tables {
            let sql = "SELECT \(t.columns.map(Self.postgresQuote).joined(separator: " || ',' || ")) FROM \(t.name) ORDER BY \(t.key.joined(separator: ", "))"
            let r = try psql(["-d", dbname, "-At", "-c", sql])
            XCTAssertEqual(r.status, 0, r.stderr)
            out[t.name] = r.stdout.split(separator: "\n").map(String.init)
        }
        return out
    }

    /// Every initial key of the tables, as `table/key` (the composite key as `order/line`).
    static func initialKeys(rows: Int) -> Set<String> {
        let c = rows / 2, l = rows / 3, k = rows - c - l
        var keys = Set((1...c).map { "customers/\($0)" })
        keys.formUnion((0..<l).map { "lines/\($0 / 4)/\($0 % 4)" })
        keys.formUnion((1...k).map { "codes/" + String(format: "c%05d", $0) })
        return keys
    }

    /// `table/key` for an event.
    static func name(_ e: Event) -> String {
        ([e.entity] + e.key.values.map { v -> String in
            switch v {
            case .int(let i): return String(i)
            case .string(let s): return s
            default: return "\(v)"
            }
        }).joined(separator: "/")
    }
}

/// The legacy application: a `sqlite3` process fed statements one at a time from a thread.
final class LegacyWriter {
    let process = Process()
    private let feeder: Thread

    /// Starts `sqlite3` on `db` and a thread writing `statements` with a pause between them.
    init(db: String, statements: [String], pauseMicroseconds: UInt32) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = ["-bail", db]
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        feeder = Thread {
            let fd = input.fileHandleForWriting.fileDescriptor
            _ = ".timeout 10000\n".withCString { write(fd, $0, strlen($0)) }
            for s in statements {
                _ = (s + "\n").withCString { write(fd, $0, strlen($0)) }
                usleep(pauseMicroseconds)
            }
            try? input.fileHandleForWriting.close()
        }
        feeder.start()
    }

    /// Waits for the application to finish; fails when it did not exit cleanly.
    func finish(file: StaticString = #filePath, line: UInt = #line) {
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "the legacy writer failed", file: file, line: line)
    }

    var isRunning: Bool { process.isRunning }
}

/// Runs `sqlite3 db sql`; returns its exit status and output.
func runSQLite(_ db: String, _ sql: String) throws -> CLIResult {
    try runTool("/usr/bin/sqlite3", ["-bail", db, sql])
}
