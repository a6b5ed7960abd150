import Foundation
import TandemCore

/// The journal's entity keys (`entity-keys.json` beside the manifest): each entity's key columns and their
/// kinds, fixed by its first keyed event. Only the writer writes it (under the writer lock), durably and
/// before it acknowledges the first event of a new entity.
///
/// A journal of an older Tandem has no such file: the writer learns the keys once from the events it holds.
/// A `truncate` does not forget an entity's key.
struct EntityKeyStore {
    static let fileName = "entity-keys.json"
    let directory: String
    let fs: any JournalFileSystem

    private var file: JournalJSONFile<EntityKey> { JournalJSONFile(fileName: Self.fileName, directory: directory, fs: fs) }

    /// The stored keys, or nil when the journal has no key file yet.
    func read() throws -> [EntityKey]? { try file.read() }

    /// Replaces the file durably (`.tmp`, fsync, rename, fsync the directory).
    func write(_ keys: [EntityKey]) throws { try file.write(keys) }
}

extension Journal {
    /// Each entity's key as the journal keeps it; nil for a journal whose writer has not written them yet
    /// (one of an older Tandem).
    public static func entityKeys(at directory: String, options: JournalOptions = JournalOptions()) throws -> [EntityKey]? {
        try EntityKeyStore(directory: directory, fs: options.fileSystem).read()
    }
}

extension JournalWriter {
    /// The entity keys on disk; for a journal written before they were kept, learned from its events (the
    /// first keyed event of each entity; later disagreeing events stay as they are) and written at the next
    /// append. Returns the catalog and whether the file holds it.
    func loadEntityKeys() throws -> (EntityKeyCatalog, onDisk: Bool) {
        if let keys = try EntityKeyStore(directory: directory, fs: fs).read() { return (EntityKeyCatalog(keys), true) }
        var catalog = EntityKeyCatalog()
        if durable.seq >= firstSeq {
            options.logger("journal \(directory): no \(EntityKeyStore.fileName) (written by an older Tandem); "
                           + "learning each entity's key from its first event")
            let reader = try JournalReader(directory: directory, options: options, writer: self)
            try reader.seek(to: firstSeq)
            while let e = try reader.next() { _ = try? catalog.admit(e) }
        }
        return (catalog, false)
    }

    /// Checks every event of a group against its entity's key (leader only): a request holding a refused
    /// event fails alone with `JournalError.keyRefused`; the keys of new entities are made durable before
    /// any event of the group is written, so an acknowledged event's entity key is always on disk.
    /// - Throws: `JournalError.io` when the key file cannot be written (the whole group fails then).
    func admitKeys(_ group: [AppendRequest]) throws {
        var catalog = entityKeys
        var learned = false
        for request in group where request.result == nil {
            var trial = catalog
            var learnedHere = false
            do {
                for part in request.batch.parts {
                    switch part {
                    case .events(let events):
                        // Through a pointer: `for e in events` would copy (retain and release) every event.
                        try events.withUnsafeBufferPointer { events throws(KeyRefusal) in
                            for i in events.indices where try trial.admit(events[i]) { learnedHere = true }
                        }
                    case .encoded(let encoded) where encoded.uniform:
                        // Every event's key passes what the first one's passes (see `EncodedEvents`).
                        if try trial.admit(encoded.event(at: 0)) { learnedHere = true }
                    case .encoded(let encoded):
                        for e in encoded.events() where try trial.admit(e) { learnedHere = true }
                    }
                }
                catalog = trial
                learned = learned || learnedHere
            } catch {
                request.result = .failure(.keyRefused(entity: error.entity, reason: error.reason))
            }
        }
        if learned || (!entityKeysOnDisk && !catalog.keys.isEmpty) {
            try EntityKeyStore(directory: directory, fs: fs).write(catalog.keys)
            entityKeysOnDisk = true
        }
        entityKeys = catalog
    }

    /// Each entity's key as the journal holds it: what an append of a new event is checked against.
    public func entityKeyCatalog() throws -> EntityKeyCatalog {
        try withExclusiveAccess { entityKeys }
    }
}
