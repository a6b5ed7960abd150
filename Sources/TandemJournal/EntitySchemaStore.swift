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

    private var file: JournalJSONFile<EntitySchema> { JournalJSONFile(fileName: Self.fileName, directory: directory, fs: fs) }

    /// The stored schemas (empty when the journal has no schema file).
    func read() throws -> EntitySchemaCatalog { EntitySchemaCatalog(try file.read() ?? []) }

    /// Replaces the file durably.
    func write(_ catalog: EntitySchemaCatalog) throws { try file.write(catalog.schemas) }
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
