import Foundation
import TandemCore

/// The journal's declared schemas (`entity-schemas.json` beside the manifest): each entity's columns with the
/// types the mapping or the source declared, recorded by ingest before it appends the entity's changes, so
/// that replay (which reads only the journal) creates target tables from declarations, never from the first
/// value a batch happens to carry. Only the writer writes it (under its lock), durably.
///
/// A journal without the file (an older Tandem's, or one fed by hand) declares nothing: sinks then create
/// undeclared columns as before (see README, "Target schema").
struct EntitySchemaStore {
    static let fileName = "entity-schemas.json"
    let directory: String
    let fs: any JournalFileSystem

    var path: String { directory + "/" + Self.fileName }

    private struct File: Codable {
        var formatVersion: Int
        var entities: [EntitySchema]
    }

    /// The stored schemas (empty when the journal has no schema file).
    func read() throws -> EntitySchemaCatalog {
        guard fs.exists(path) else { return EntitySchemaCatalog() }
        let file = try fs.open(path, .read)
        defer { file.close() }
        let bytes = try file.readBytes(Int(try file.size()), at: 0)
        guard let decoded = try? JSONDecoder().decode(File.self, from: Data(bytes)) else {
            throw JournalError.notAJournal(path: directory, reason: "\(Self.fileName) does not parse")
        }
        guard decoded.formatVersion == 1 else {
            throw JournalError.unsupportedVersion(path: directory, found: decoded.formatVersion, supported: 1)
        }
        return EntitySchemaCatalog(decoded.entities)
    }

    /// Replaces the file durably (`.tmp`, fsync, rename, fsync the directory).
    func write(_ catalog: EntitySchemaCatalog) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(File(formatVersion: 1, entities: catalog.schemas))
        try fs.replaceDurably(path, with: Array(data) + [10], directory: directory)
    }
}

extension Journal {
    /// Each entity's declared schema as the journal keeps it (empty for a journal that declares none).
    public static func entitySchemas(at directory: String, options: JournalOptions = JournalOptions()) throws -> EntitySchemaCatalog {
        try EntitySchemaStore(directory: directory, fs: options.fileSystem).read()
    }
}

extension JournalWriter {
    /// Records declared schemas durably (new entities and columns; a known column keeps its first type), before
    /// any change they describe is appended.
    public func declareSchemas(_ schemas: [EntitySchema]) throws {
        guard !schemas.isEmpty else { return }
        try withExclusiveAccess {
            let store = EntitySchemaStore(directory: directory, fs: fs)
            var catalog = try store.read()
            var learned = false
            for s in schemas where catalog.merge(s) { learned = true }
            if learned { try store.write(catalog) }
        }
    }
}
