import Foundation
import TandemCore

/// Which source `tandem ingest --source SOURCE` runs, parsed from the short form or a JSON config file
/// (`schemas/source.schema.json`):
/// - `jsonl:PATH[?format=tandem|debezium|debezium-flat|maxwell|wal2json&entity=table|schema.table|db.schema.table&rotated=GLOB&maxLineBytes=N]`
/// - `sqlite-changelog:PATH[?prune=true&lockWait=SECONDS]`
/// - `postgres-changelog:CONNINFO` (a libpq URI or key=value string, taken whole: its `?` options are libpq's;
///   the change table of `tandem source install-triggers --db CONNINFO`)
/// - a path to a JSON file `{"type":"jsonl","path":…,"format":…,"rotatedGlob":…,"maxLineBytes":…}` or
///   `{"type":"sqlite-changelog","path":…,"prune":…}` (relative paths are relative to the file).
public struct SourceSpec: Sendable, Equatable {
    /// The kind of source.
    public enum Kind: String, Sendable, CaseIterable { case jsonl, sqliteChangelog = "sqlite-changelog", postgresChangelog = "postgres-changelog" }

    /// The kind of source.
    public var kind: Kind
    /// The file (jsonl), database (sqlite-changelog) or connection string (postgres-changelog).
    public var path: String
    /// jsonl: the line format.
    public var format: RawFormat = .tandem
    /// jsonl: rotated files to read first and to search on resume.
    public var rotatedGlob: String?
    /// jsonl: the longest line accepted (longer lines go to quarantine).
    public var maxLineBytes: Int = 1 << 20
    /// sqlite-changelog, postgres-changelog: delete change rows once journaled.
    public var prune = false
    /// sqlite-changelog: seconds `--once` waits out a lock the legacy application holds before exit 75.
    public var lockWaitSeconds = 30

    /// A spec from its parts.
    public init(kind: Kind, path: String) { self.kind = kind; self.path = path }

    /// Parses the short form, or reads a JSON config file.
    /// - Throws: `SourceError.config` with what is wrong and the accepted forms.
    public static func parse(_ text: String) throws -> SourceSpec {
        for kind in Kind.allCases where text.hasPrefix(kind.rawValue + ":") {
            return try short(kind, String(text.dropFirst(kind.rawValue.count + 1)), original: text)
        }
        guard FileManager.default.fileExists(atPath: text) else {
            throw SourceError.config("source \"\(text)\" is neither jsonl:PATH[?format=\(SourceSpec.formats)], sqlite-changelog:PATH nor an existing JSON config file")
        }
        return try file(text)
    }

    static func short(_ kind: Kind, _ rest: String, original: String) throws -> SourceSpec {
        if kind == .postgresChangelog {
            guard !rest.isEmpty else { throw SourceError.config("source \"\(original)\": missing CONNINFO after \(kind.rawValue):") }
            return SourceSpec(kind: kind, path: rest)
        }
        var pathPart = rest, query = ""
        if let q = rest.firstIndex(of: "?") { pathPart = String(rest[..<q]); query = String(rest[rest.index(after: q)...]) }
        guard !pathPart.isEmpty else { throw SourceError.config("source \"\(original)\": missing PATH after \(kind.rawValue):") }
        var spec = SourceSpec(kind: kind, path: pathPart)
        for pair in query.split(separator: "&") where !pair.isEmpty {
            // Split by hand: `split` drops empty pieces, so "=" or "=x" would leave no key at all.
            let eq = pair.firstIndex(of: "=")
            let k = String(pair[..<(eq ?? pair.endIndex)])
            let v = eq.map { String(pair[pair.index(after: $0)...]) } ?? ""
            guard !k.isEmpty else {
                throw SourceError.config("source \"\(original)\": option \"\(pair)\" has no name; expected NAME=VALUE after ?, joined by &")
            }
            try spec.set(k, v, where: "source \"\(original)\"")
        }
        try spec.check(where: "source \"\(original)\"")
        return spec
    }

    mutating func set(_ k: String, _ v: String, where context: String) throws {
        switch (kind, k) {
        case (.jsonl, "format"):
            guard let k = RawFormat.Kind(rawValue: v) else { throw SourceError.config("\(context): unknown format \"\(v)\"; expected \(SourceSpec.formats.replacingOccurrences(of: "|", with: ", "))") }
            format.kind = k
        case (.jsonl, "entity"):
            guard let n = EntityNaming(rawValue: v) else {
                throw SourceError.config("\(context): unknown entity naming \"\(v)\"; expected \(EntityNaming.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            format.entity = n
        case (.jsonl, "rotated"), (.jsonl, "rotatedGlob"): rotatedGlob = v
        case (.jsonl, "maxLineBytes"):
            guard let n = Int(v), n >= 16 else { throw SourceError.config("\(context): maxLineBytes must be a number >= 16") }
            maxLineBytes = n
        case (.sqliteChangelog, "prune"), (.postgresChangelog, "prune"):
            guard v == "true" || v == "false" || v.isEmpty else { throw SourceError.config("\(context): prune must be true or false") }
            prune = v != "false"
        case (.sqliteChangelog, "lockWait"):
            guard let n = Int(v), (0...86_400).contains(n) else { throw SourceError.config("\(context): lockWait must be a number of seconds from 0 to 86400") }
            lockWaitSeconds = n
        default:
            let known = kind == .jsonl ? "format, entity, rotated, maxLineBytes" : kind == .sqliteChangelog ? "prune, lockWait" : "prune"
            throw SourceError.config("\(context): unknown option \"\(k)\" for \(kind.rawValue); expected one of \(known)")
        }
    }

    /// The format names of `format=`.
    static let formats = RawFormat.Kind.allCases.map(\.rawValue).joined(separator: "|")

    /// Options that only make sense together.
    func check(where context: String) throws {
        if format.kind == .tandem, format.entity != nil {
            throw SourceError.config("\(context): entity= applies to change-log formats (debezium, debezium-flat, maxwell, wal2json); Tandem event lines name their entity")
        }
    }

    static func file(_ path: String) throws -> SourceSpec {
        let context = path
        guard let data = FileManager.default.contents(atPath: path),
              let o = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw SourceError.config("\(context): not a JSON object (see schemas/source.schema.json)")
        }
        if let fault = (try? JSONValue.parse([UInt8](data)))?.strictnessFault(at: "source") {
            throw SourceError.config("\(context): \(fault.path): \(fault.message)")
        }
        guard let t = o["type"] as? String, let kind = Kind(rawValue: t) else {
            throw SourceError.config("\(context): source.type must be one of \(Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard var p = o["path"] as? String, !p.isEmpty else { throw SourceError.config("\(context): source.path is missing") }
        let base = PathText.parent(of: path)
        if kind != .postgresChangelog, !p.hasPrefix("/"), base != "." { p = base + "/" + p }
        var spec = SourceSpec(kind: kind, path: p)
        for k in o.keys.sorted() where k != "type" && k != "path" && k != "$schema" {
            let v = o[k]!
            let text: String
            if let s = v as? String { text = s } else if let n = v as? NSNumber { text = n.objCType.pointee == CChar(UInt8(ascii: "c")) ? (n.boolValue ? "true" : "false") : n.stringValue } else {
                throw SourceError.config("\(context): source.\(k) must be a string, number or boolean")
            }
            var value = text
            if k == "rotatedGlob", !value.hasPrefix("/"), !base.isEmpty { value = base + "/" + value }
            try spec.set(k, value, where: "\(context): source.\(k)")
        }
        try spec.check(where: context)
        return spec
    }

    /// The source this spec describes (not yet opened).
    public func makeSource(log: @escaping @Sendable (String) -> Void = OperatorLog.stderr) -> any ChangeSource {
        switch kind {
        case .jsonl:
            return JSONLinesSource(.init(path: path, format: format, rotatedGlob: rotatedGlob, maxLineBytes: maxLineBytes, log: log))
        case .sqliteChangelog:
            var settings = SQLiteChangeLogSource.Settings(path: path, prune: prune, log: log)
            settings.lockWait = .seconds(lockWaitSeconds)
            return SQLiteChangeLogSource(settings)
        case .postgresChangelog:
            return PostgresChangeLogSource(.init(conninfo: path, prune: prune, log: log))
        }
    }
}
