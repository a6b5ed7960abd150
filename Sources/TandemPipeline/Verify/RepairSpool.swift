import Foundation
import TandemCore

/// How `verify --repair` hands its keys to a running daemon (which holds the journal's writer lock): a request
/// file `<journal>/repair/ID.json`, written whole (tmp + rename); the daemon's source side journals it between
/// two ingest appends and answers with `ID.done.json` (the seqs taken, or an error). The verify removes both.
public struct RepairSpool: Sendable {
    /// The spool directory, `<journal>/repair`.
    public let directory: String

    /// The spool of a journal.
    public init(journal: String) { directory = journal + "/repair" }

    /// What the daemon answered: the outcome, or why it could not journal the request.
    public typealias Answer = Result<RepairOutcome, VerifyError>

    /// Writes a request; returns its id.
    public func submit(_ keys: [RepairKey]) throws -> String {
        let id = Self.newID()
        let body = JSONValue.object([("id", .string(id)), ("keys", .array(keys.map(\.json)))])
        try write(body, to: "\(directory)/\(id).json")
        return id
    }

    /// A new request id: milliseconds since 1970 and the process id (sorts by age).
    public static func newID() -> String {
        String(format: "%013lld-%d", Int64(Date().timeIntervalSince1970 * 1000), getpid())
    }

    /// The ids of requests not answered yet, oldest first.
    public func pending() -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        let set = Set(names)
        return names.filter { $0.hasSuffix(".json") && !$0.hasSuffix(".done.json") }
            .map { String($0.dropLast(5)) }
            .filter { !set.contains("\($0).done.json") }
            .sorted()
    }

    /// The keys of request `id`.
    public func keys(of id: String) throws -> [RepairKey] {
        let path = "\(directory)/\(id).json"
        guard let data = FileManager.default.contents(atPath: path), let v = try? JSONValue.parse([UInt8](data)),
              let list = v["keys"]?.array else { throw VerifyError.store(path, "is not a repair request") }
        return try list.map { j in
            guard let k = RepairKey(json: j) else { throw VerifyError.store(path, "holds a key that is not one") }
            return k
        }
    }

    /// Answers request `id`.
    public func answer(_ id: String, _ answer: Answer) throws {
        let body: JSONValue
        switch answer {
        case .success(let o): body = o.json
        case .failure(let e):
            // The reason alone: the verify reading it says "verify --repair:" itself.
            if case .repair(let reason) = e { body = .object([("error", .string(reason))]) } else { body = .object([("error", .string(e.description))]) }
        }
        try write(body, to: "\(directory)/\(id).done.json")
    }

    /// The answer to request `id`, nil while there is none.
    public func answer(of id: String) -> Answer? {
        guard let data = FileManager.default.contents(atPath: "\(directory)/\(id).done.json"),
              let v = try? JSONValue.parse([UInt8](data)) else { return nil }
        if let e = v["error"]?.string { return .failure(.repair(e)) }
        return RepairOutcome(json: v).map { .success($0) } ?? .failure(.repair("the daemon's answer to repair \(id) is not one"))
    }

    /// Removes request `id` and its answer.
    public func remove(_ id: String) {
        try? FileManager.default.removeItem(atPath: "\(directory)/\(id).json")
        try? FileManager.default.removeItem(atPath: "\(directory)/\(id).done.json")
    }

    private func write(_ body: JSONValue, to path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let tmp = path + ".tmp"
            try Data(body.description.utf8).write(to: URL(fileURLWithPath: tmp))
            guard rename(tmp, path) == 0 else { throw VerifyError.store(path, "cannot be written: \(String(cString: strerror(errno)))") }
        } catch let e as VerifyError { throw e } catch {
            throw VerifyError.store(path, "cannot be written: \(error)")
        }
    }
}
