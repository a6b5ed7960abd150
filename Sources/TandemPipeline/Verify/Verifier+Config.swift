import Foundation
import TandemCore
import TandemJournal
import TandemSinks
import TandemSources

extension Verifier {
    /// A verify of the config's migration: its legacy store through its mapping against its new sink's store,
    /// re-checks waiting on that sink's checkpoint and the config's journal.
    /// - Throws: `MigrationError.notConfigured` without a migration block, `VerifyError` for a store that cannot
    ///   be opened or is not supported yet, `MappingError` for a mapping that does not load.
    public convenience init(config: DaemonConfig, scope: VerifyScope, options: Options = Options()) throws {
        guard let m = config.migration else { throw MigrationError.notConfigured(config: config.file) }
        guard let sink = config.sink(named: m.new) else {
            throw VerifyError.unsupported("the migration's new store is sink \"\(m.new)\", which the config does not define")
        }
        let mapping = try config.mapping.map { try Mapping.load(path: $0) } ?? .passThrough
        let version = try Self.mappingVersion(config.mapping)
        let legacy = try Self.store(m.legacy, role: "legacy")
        let new: any VerifyStore
        do { new = try Self.store(sink.spec, role: "new") } catch { legacy.close(); throw error }
        let journal = config.journal
        self.init(legacy: legacy, new: new, mapping: mapping, scope: scope, options: options, mappingVersion: version,
                  appliedSeq: { try sink.spec.storedCheckpoint()?.seq ?? 0 },
                  journalHead: { Journal.exists(at: journal) ? try Journal.stats(at: journal).lastSeq : 0 },
                  journaledChange: { try Self.lastChangeID(journal) })
    }

    /// The mapping's version as verify records it: the FNV-1a 64 of its file, in hex (`pass-through` without one).
    public static func mappingVersion(_ path: String?) throws -> String {
        guard let path else { return "pass-through" }
        guard let data = FileManager.default.contents(atPath: path) else { throw VerifyError.store(path, "cannot be read") }
        var h = Hasher64()
        h.add(bytes: data)
        return String(h.value, radix: 16)
    }

    /// The legacy change id of the journal's newest event, when it came from a change table.
    static func lastChangeID(_ journal: String) throws -> Int64? {
        guard Journal.exists(at: journal) else { return nil }
        let stats = try Journal.stats(at: journal)
        guard stats.events > 0 else { return nil }
        // Read while ingest appends: a reader may not see the head the stats saw yet; unknown for now then
        // (the caller polls again).
        guard let reader = try? JournalReader(directory: journal), (try? reader.seek(to: stats.lastSeq)) != nil,
              let last = try? reader.next() else { return nil }
        return last.sourcePosition.flatMap(SnapshotPosition.changeID)
    }

    static func store(_ spec: SinkSpec, role: String) throws -> any VerifyStore {
        switch spec.kind {
        case .sqlite(let path, _):
            guard FileManager.default.fileExists(atPath: path) else { throw VerifyError.store("sqlite:\(path)", "no such file (the \(role) store)") }
            return try SQLiteVerifyStore(path: path)
        case .postgres(let conninfo):
            return try PostgresVerifyStore(conninfo: conninfo)
        }
    }
}
