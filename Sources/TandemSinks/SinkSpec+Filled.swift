import Foundation
import TandemSQLite

extension SinkSpec {
    /// Opens a store that must already hold this sink's checkpoint (for `rewind`): a SQLite file that is not
    /// there, or that holds no checkpoint of this sink, is refused before anything is created or changed in it
    /// (a mistyped path names no store, or another application's database).
    /// - Throws: `SinkError.notFilled` (exit 66), or what `open()` throws.
    public func openFilled() throws -> any EventSink {
        if case .sqlite(let path, _) = kind {
            guard FileManager.default.fileExists(atPath: path) else {
                throw SinkError.notFilled(target: description, sink: name, reason: "there is no file \(path)")
            }
            guard try SQLiteSink.holdsCheckpoint(path: path, name: name) else {
                throw SinkError.notFilled(target: description, sink: name, reason: Self.neverFilled)
            }
        }
        let sink = try open()
        do {
            guard try sink.checkpoint() != nil else {
                throw SinkError.notFilled(target: description, sink: name, reason: Self.neverFilled)
            }
        } catch {
            sink.close()
            throw error
        }
        return sink
    }

    static let neverFilled = "the store holds no checkpoint of it, so it was never filled from a journal"
}

extension SQLiteSink {
    /// Whether the SQLite file at `path` holds a checkpoint row of sink `name`, read without changing the file.
    static func holdsCheckpoint(path: String, name: String) throws -> Bool {
        do {
            let db = try Database(path: path, mode: .readOnly)
            defer { db.close() }
            guard try db.scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '_tandem_checkpoint'")
                    == .int(1) else { return false }
            let s = try db.prepare("SELECT 1 FROM _tandem_checkpoint WHERE sink = ?")
            try s.bind(name, at: 1)
            return try s.step()
        } catch let e as SQLiteError {
            throw SinkError.sqlite(e, target: "sqlite:\(path)", entity: nil)
        }
    }
}
