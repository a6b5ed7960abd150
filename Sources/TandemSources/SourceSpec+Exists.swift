import Foundation
import TandemSQLite

extension SourceSpec {
    /// Checks that the file (jsonl) or database (sqlite-changelog) is there, before a journal is created for it.
    ///
    /// A jsonl source itself waits for a missing file (like `tail -F`); a caller that reads once (`--once`) fails
    /// on this error, a follower may only warn.
    /// - Throws: `SourceError.missing` (exit 66) naming the path.
    public func checkExists() throws {
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        switch kind {
        case .jsonl:
            guard exists, !isDirectory.boolValue else {
                throw SourceError.missing(path: path, what: exists ? "is a directory, not a change-log file" : "no such change-log file",
                                          hint: "check the PATH of jsonl:PATH; without --once ingest waits for the file to appear")
            }
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw SourceError.missing(path: path, what: "the change-log file is not readable by this user",
                                          hint: "check its permissions")
            }
        case .postgresChangelog:
            return  // a server, not a file: `checkOpens` connects
        case .sqliteChangelog:
            guard exists, !isDirectory.boolValue else {
                throw SourceError.missing(path: path, what: exists ? "is a directory, not a database" : "no such database",
                                          hint: "check the PATH of sqlite-changelog:PATH")
            }
        }
    }
}

extension SourceSpec {
    /// Opens the source once and closes it again, changing nothing: a database that is not one, or that has no
    /// change table, fails here, before a journal is created for it. (A jsonl file is checked by `checkExists`;
    /// opening it would only read it.)
    /// - Throws: the source's `SourceError`.
    public func checkOpens() throws {
        guard kind == .sqliteChangelog || kind == .postgresChangelog else { return }
        var probe = self
        probe.prune = false
        let source = probe.makeSource(log: { _ in })
        defer { source.close() }
        try source.open(after: nil)
    }
}

extension SourceError {
    /// The typed form of a SQLite failure on the database at `path`: one that cannot be opened is `missing`.
    static func sqlite(_ e: SQLiteError, path: String) -> SourceError {
        if e.primaryCode == 14 {  // SQLITE_CANTOPEN (CSQLite is not a dependency of this target)
            return .missing(path: path, what: "cannot open the database (\(e.message))",
                            hint: "check that the file exists and is readable and writable by this user")
        }
        if e.isBusy {
            // Another connection (the legacy application) holds the lock: worth another try, not an I/O error.
            return .busy(path: path, message: e.message, waited: .zero)
        }
        return .storage(path: path, message: e.description)
    }

    /// Runs `body`, turning a `SQLiteError` into a `SourceError` for the database at `path`.
    static func wrapping<T>(_ path: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as SQLiteError { throw sqlite(e, path: path) }
    }
}
