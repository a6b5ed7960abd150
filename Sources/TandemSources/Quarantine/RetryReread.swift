import TandemCore

/// Re-reads, for `Quarantine.retry`, the legacy state of an entry's key when a newer journaled change of it
/// supersedes the entry: possible for a `sqlite-changelog` source (its database is read by key), not for
/// files (a jsonl or Debezium log holds changes, not rows).
public struct RetryReread {
    /// The source description prefix of entries that can be re-read.
    static let prefix = SourceSpec.Kind.sqliteChangelog.rawValue + ":"

    /// Replaces the path every `sqlite-changelog` entry names (it was relative, or the file moved).
    public let legacyDatabase: String?
    private var readers: [String: CurrentRowReader] = [:]

    /// A re-reader; `legacyDatabase` replaces the path every `sqlite-changelog` entry names (nil: keep it).
    public init(legacyDatabase: String?) { self.legacyDatabase = legacyDatabase }

    /// The legacy change that brings `change`'s key to the source's current state: an `update` with the current
    /// row as after-image (no before-image: it replaces whatever the store holds), or a `delete` of the key when
    /// the row is gone; with the newest change id the read saw. Nil when `entry`'s source cannot be re-read.
    /// - Throws: `SourceError` when the legacy database cannot be read (missing, locked, the table gone).
    public mutating func current(of change: Event, entry: QuarantineEntry) throws -> (change: Event, changeID: Int64)? {
        guard entry.source.hasPrefix(Self.prefix), change.op != .truncate, !change.key.isEmpty else { return nil }
        let path = legacyDatabase ?? String(entry.source.dropFirst(Self.prefix.count))
        let reader: CurrentRowReader
        if let r = readers[path] {
            reader = r
        } else {
            do {
                reader = try CurrentRowReader(path: path)
            } catch SourceError.missing(let path, let what, _) {
                throw SourceError.missing(path: path, what: what + " to read quarantine entry \(entry.id)'s current row",
                                          hint: "give the legacy database with `tandem quarantine retry --source sqlite-changelog:PATH`")
            }
            readers[path] = reader
        }
        let (row, changeID) = try reader.current(table: change.entity, key: change.key)
        var out = Event(sourcePosition: entry.position, txn: nil, committedAt: nil, entity: change.entity, key: change.key,
                        op: row == nil ? .delete : .update, before: nil, after: row)
        out.tenant = change.tenant
        return (out, changeID)
    }

    /// Closes the databases opened.
    public func close() { for r in readers.values { r.close() } }
}
