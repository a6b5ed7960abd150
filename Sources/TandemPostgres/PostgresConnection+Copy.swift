import CPostgres
import Glibc

extension PostgresConnection {
    /// Streams `COPY … TO STDOUT` run on this connection into `COPY … FROM STDIN` run on `target`, one chunk at a
    /// time (memory flat in the table's size); returns the bytes copied. Both statements must use the same format.
    /// - Throws: `PostgresError` of the side that failed (scrubbed); the target's COPY is aborted then, and both
    ///   connections are ready for the next statement (or broken).
    @discardableResult
    public func copy(_ outSQL: String, into target: PostgresConnection, _ inSQL: String) throws(PostgresError) -> Int {
        guard let src = conn else { throw .connectionLost(target: redactor.target, message: "not connected") }
        guard let dst = target.conn else { throw .connectionLost(target: target.redactor.target, message: "not connected") }
        try start(outSQL, expect: PGRES_COPY_OUT)
        do { try target.start(inSQL, expect: PGRES_COPY_IN) } catch {
            _ = finish()  // reads the rest of the COPY OUT (libpq has no way to cancel it but the query cancel)
            throw error
        }
        var bytes = 0
        while true {
            var buf: UnsafeMutablePointer<CChar>?
            let n = PQgetCopyData(src, &buf, 0)
            if n > 0 {
                defer { PQfreemem(buf) }
                guard PQputCopyData(dst, buf, n) == 1 else {
                    let e = target.failure(nil, entity: nil)
                    _ = finish(); target.abortCopy()
                    throw e
                }
                bytes += Int(n)
            } else if n == -1 {
                break
            } else {
                let e = finish() ?? failure(nil, entity: nil)
                target.abortCopy()
                throw e
            }
        }
        if let e = finish() { target.abortCopy(); throw e }
        guard PQputCopyEnd(dst, nil) == 1 else { throw target.failure(nil, entity: nil) }
        if let e = target.finish() { throw e }
        return bytes
    }

    /// Sends `sql` and checks that it starts a COPY in the direction `expect`.
    private func start(_ sql: String, expect: ExecStatusType) throws(PostgresError) {
        let res = PQexec(conn, sql)
        defer { PQclear(res) }
        guard PQresultStatus(res) == expect else { throw failure(res, entity: nil) }
    }

    /// Reads the results after a COPY until none is left; the first failure, or nil.
    private func finish() -> PostgresError? {
        var first: PostgresError?
        while let res = PQgetResult(conn) {
            let status = PQresultStatus(res)
            if status == PGRES_COPY_OUT {  // still streaming (after a failed COPY IN on the other side): read it out
                var buf: UnsafeMutablePointer<CChar>?
                while PQgetCopyData(conn, &buf, 0) > 0 { PQfreemem(buf) }
            } else if status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && first == nil {
                first = failure(res, entity: nil)
            }
            PQclear(res)
            if isBroken { break }
        }
        return first
    }

    /// Ends a COPY FROM STDIN as failed (the server rolls the statement back).
    private func abortCopy() {
        guard let conn else { return }
        _ = PQputCopyEnd(conn, "the copy's source failed")
        _ = finish()
    }
}
