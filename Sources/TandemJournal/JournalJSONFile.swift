import Foundation

/// A small JSON file beside the manifest, `{"formatVersion": 1, "entities": […]}`: read whole, replaced durably
/// (`.tmp`, fsync, rename, fsync the directory). Holds the entity keys and the declared schemas.
struct JournalJSONFile<Entity: Codable> {
    let fileName: String
    let directory: String
    let fs: any JournalFileSystem

    var path: String { directory + "/" + fileName }

    private struct File: Codable {
        var formatVersion: Int
        var entities: [Entity]
    }

    /// The stored entities, or nil when the journal has no such file.
    func read() throws -> [Entity]? {
        guard fs.exists(path) else { return nil }
        let file = try fs.open(path, .read)
        defer { file.close() }
        let bytes = try file.readBytes(Int(try file.size()), at: 0)
        guard let decoded = try? JSONDecoder().decode(File.self, from: Data(bytes)) else {
            throw JournalError.notAJournal(path: directory, reason: "\(fileName) does not parse")
        }
        guard decoded.formatVersion == 1 else {
            throw JournalError.unsupportedVersion(path: directory, found: decoded.formatVersion, supported: 1)
        }
        return decoded.entities
    }

    /// Replaces the file durably.
    func write(_ entities: [Entity]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(File(formatVersion: 1, entities: entities))
        try fs.replaceDurably(path, with: Array(data) + [10], directory: directory)
    }
}
