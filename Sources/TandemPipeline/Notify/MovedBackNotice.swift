import Foundation
import TandemCore

extension Notifier {
    /// The directory rendered notices are kept in: `notices/` beside the migration's state file.
    public var noticesDirectory: String { PathText.parent(of: control.migration.state) + "/notices" }

    /// Renders the "moved back" message for every recipient of the cohort (after a rollback) into
    /// `notices/COHORT.moved-back.jsonl` (one JSON object a message, as `notify export --format jsonl`);
    /// returns the file and the number of messages.
    /// - Throws: `NotifyError` when a template or value is missing; the file cannot be written.
    public func renderMovedBack(cohort name: String) throws -> (file: String, count: Int) {
        let messages = try render(try plan(name), kind: .movedBack)
        try FileManager.default.createDirectory(atPath: noticesDirectory, withIntermediateDirectories: true)
        let file = noticesDirectory + "/\(name).moved-back.jsonl"
        let text = messages.map { Self.json($0).description + "\n" }.joined()
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return (file, messages.count)
    }

    /// A message as one JSON object: tenant, email, name, locale, message, subject, body.
    public static func json(_ m: NotifyMessage) -> JSONValue {
        .object([("tenant", .string(m.tenant)), ("email", .string(m.email)), ("name", m.name.map(JSONValue.string) ?? .null),
                 ("locale", .string(m.locale)), ("message", .string(m.kind.rawValue)), ("subject", .string(m.subject)), ("body", .string(m.body))])
    }
}
