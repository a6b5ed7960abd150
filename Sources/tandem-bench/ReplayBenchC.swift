import CPostgres
import CSQLite
import Foundation
import TandemCore
import TandemSQLite

/// The bare SQLite C API, as the ceiling loop uses it (no Tandem code on the hot path).
final class SQLiteC {
    let db: OpaquePointer

    init(_ path: String) throws {
        var h: OpaquePointer?
        guard sqlite3_open(path, &h) == SQLITE_OK, let h else { throw ReplayBench.Failure(description: "cannot open \(path)") }
        db = h
        try exec("PRAGMA journal_mode=WAL")
        try exec("PRAGMA synchronous=NORMAL")
    }

    func close() { sqlite3_close_v2(db) }

    func exec(_ sql: String) throws {
        guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else {
            throw ReplayBench.Failure(description: "\(sql): \(String(cString: sqlite3_errmsg(db)))")
        }
    }

    func prepare(_ sql: String) throws -> OpaquePointer {
        var s: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &s, nil) == SQLITE_OK, let s else {
            throw ReplayBench.Failure(description: "\(sql): \(String(cString: sqlite3_errmsg(db)))")
        }
        return s
    }

    /// Binds `values` to `s`, steps it once and resets it.
    func run(_ s: OpaquePointer, _ values: [Value]) throws {
        var i: Int32 = 1
        for v in values {
            switch v {
            case .null: sqlite3_bind_null(s, i)
            case .bool(let b): sqlite3_bind_int64(s, i, b ? 1 : 0)
            case .int(let x): sqlite3_bind_int64(s, i, x)
            case .double(let d): sqlite3_bind_double(s, i, d)
            case .decimal(let t), .string(let t): sqlite3_bind_text(s, i, t, -1, csqlite_transient())
            case .bytes(let b): sqlite3_bind_blob(s, i, b, Int32(b.count), csqlite_transient())
            case .timestamp(let t): sqlite3_bind_text(s, i, t.rfc3339, -1, csqlite_transient())
            }
            i += 1
        }
        let rc = sqlite3_step(s)
        sqlite3_reset(s)
        guard rc == SQLITE_DONE else { throw ReplayBench.Failure(description: String(cString: sqlite3_errmsg(db))) }
    }
}

/// The bare libpq calls the PostgreSQL ceiling and preload use.
final class PG {
    let conn: OpaquePointer

    init(_ conninfo: String) throws {
        guard let c = PQconnectdb(conninfo), PQstatus(c) == CONNECTION_OK else {
            throw ReplayBench.Failure(description: "cannot connect to the benchmark database")
        }
        conn = c
        try exec("SET TimeZone = 'UTC'")
        try exec("SET client_min_messages = warning")
    }

    deinit { PQfinish(conn) }

    func exec(_ sql: String) throws {
        let r = PQexec(conn, sql)
        defer { PQclear(r) }
        let st = PQresultStatus(r)
        guard st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK else {
            throw ReplayBench.Failure(description: "\(sql): \(String(cString: PQerrorMessage(conn)))")
        }
    }

    /// COPY rows in text format (values escaped for COPY).
    func copy(table: String, _ rows: [Row]) throws {
        var buf: [UInt8] = []
        buf.reserveCapacity(rows.count * 160)
        for r in rows {
            for (i, v) in r.values.enumerated() {
                if i > 0 { buf.append(9) }
                switch v {
                case .null: buf.append(contentsOf: "\\N".utf8)
                case .bool(let b): buf.append(b ? 116 : 102)
                case .int(let x): buf.append(contentsOf: String(x).utf8)
                case .double(let d): buf.append(contentsOf: String(d).utf8)
                case .timestamp(let t): buf.append(contentsOf: t.rfc3339.utf8)
                case .decimal(let s), .string(let s):
                    for c in s.utf8 {
                        switch c {
                        case 92: buf.append(92); buf.append(92)
                        case 9: buf.append(92); buf.append(116)
                        case 10: buf.append(92); buf.append(110)
                        case 13: buf.append(92); buf.append(114)
                        default: buf.append(c)
                        }
                    }
                case .bytes(let b):
                    buf.append(contentsOf: "\\\\x".utf8)
                    for x in b { buf.append(contentsOf: String(format: "%02x", x).utf8) }
                }
            }
            buf.append(10)
        }
        let start = PQexec(conn, "COPY \(table) FROM STDIN")
        guard PQresultStatus(start) == PGRES_COPY_IN else {
            PQclear(start)
            throw ReplayBench.Failure(description: "COPY \(table): \(String(cString: PQerrorMessage(conn)))")
        }
        PQclear(start)
        let ok = buf.withUnsafeBytes { raw in
            PQputCopyData(conn, raw.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(raw.count)) == 1
        } && PQputCopyEnd(conn, nil) == 1
        var failure: String?
        while let r = PQgetResult(conn) {
            if PQresultStatus(r) != PGRES_COMMAND_OK { failure = String(cString: PQresultErrorMessage(r)) }
            PQclear(r)
        }
        if !ok || failure != nil { throw ReplayBench.Failure(description: "COPY \(table): \(failure ?? "send failed")") }
    }
}
