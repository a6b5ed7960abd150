import Foundation
import TandemCore

/// The four messages a customer may get, each a template file per locale (`KIND.LOCALE.txt`).
public enum MessageKind: String, Sendable, CaseIterable {
    /// "Your account moves on …".
    case moving
    /// "Action needed before …".
    case actionNeeded = "action-needed"
    /// "Done".
    case done
    /// "We moved you back, nothing is lost".
    case movedBack = "moved-back"
}

/// One message template: `Subject: …` on its first line, a blank line, the body; `{{placeholder}}` anywhere.
public struct MessageTemplate: Sendable, Hashable {
    /// The placeholders a template may use.
    public static let placeholders = ["name", "tenant", "window", "windowStart", "windowEnd", "deadline", "actions", "statusPage"]

    /// The file it was read from.
    public var file: String
    /// The subject line's text.
    public var subject: String
    /// The body.
    public var body: String

    /// Reads `DIR/KIND.LOCALE.txt`; nil when the file does not exist.
    /// - Throws: `NotifyError.template` when it exists but has no `Subject:` line or an unknown placeholder.
    public static func load(directory: String, kind: String, locale: String) throws(NotifyError) -> MessageTemplate? {
        let file = directory + "/" + kind + "." + locale + ".txt"
        guard let data = FileManager.default.contents(atPath: file) else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        var lines = text.components(separatedBy: "\n")
        guard let first = lines.first, first.hasPrefix("Subject:") else {
            throw .template(file: file, reason: "its first line must be \"Subject: …\"")
        }
        lines.removeFirst()
        while lines.first?.trimmingCharacters(in: .whitespaces).isEmpty == true { lines.removeFirst() }
        let t = MessageTemplate(file: file, subject: String(first.dropFirst("Subject:".count)).trimmingCharacters(in: .whitespaces),
                                body: lines.joined(separator: "\n"))
        for name in placeholders(in: t.subject) + placeholders(in: t.body) where !Self.placeholders.contains(name) {
            throw .template(file: file, reason: "unknown placeholder {{\(name)}}; known: \(Self.placeholders.joined(separator: ", "))")
        }
        return t
    }

    /// The placeholders in `text`, in order.
    static func placeholders(in text: String) -> [String] {
        var out: [String] = [], rest = Substring(text)
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            out.append(rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces))
            rest = rest[close.upperBound...]
        }
        return out
    }

    /// `text` with each placeholder replaced from `values`.
    /// - Throws: `NotifyError.render` for a placeholder without a value (never an empty hole in a sent message).
    static func fill(_ text: String, _ values: [String: String], file: String, recipient: String) throws(NotifyError) -> String {
        var out = "", rest = Substring(text)
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            out += rest[..<open.lowerBound]
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            guard MessageTemplate.placeholders.contains(name) else {
                throw .render(file: file, recipient: recipient, reason: "unknown placeholder {{\(name)}}")
            }
            guard let v = values[name], !v.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw .render(file: file, recipient: recipient, reason: "no value for {{\(name)}}")
            }
            out += v
            rest = rest[close.upperBound...]
        }
        return out + rest
    }

    /// The subject and body with `values` filled in.
    public func render(_ values: [String: String], recipient: String) throws(NotifyError) -> (subject: String, body: String) {
        (try Self.fill(subject, values, file: file, recipient: recipient), try Self.fill(body, values, file: file, recipient: recipient))
    }
}

/// A time in plain words for a locale: `Monday, December 14, 2026 at 10:00 PM UTC`.
public enum PlainTime {
    /// `t` as a long date and time in `locale`, UTC.
    public static func text(_ t: Timestamp, locale: String) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: locale)
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateStyle = .full
        f.timeStyle = .short
        return f.string(from: Date(timeIntervalSince1970: Double(t.microseconds) / 1_000_000)) + " UTC"
    }
}
