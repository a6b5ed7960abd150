import TandemCore
import TandemSinks

/// Why a `/status` document could not be read back into a `DaemonStatus`: the JSON path and what is wrong.
public enum StatusDocumentError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Not JSON at all.
    case notJSON(reason: String)
    /// A member missing or of the wrong type (`path` is a JSON path such as `$.sinks[0].appliedSeq`).
    case invalid(path: String, reason: String)

    public var description: String {
        switch self {
        case .notJSON(let reason): return "status document: not valid JSON: \(reason)"
        case let .invalid(path, reason): return "status document: \(path): \(reason)"
        }
    }
}

extension DaemonStatus {
    /// The version of the `/status` document (`schemas/status.schema.json`); raised only when a member
    /// changes meaning or goes (new members do not raise it).
    public static let documentVersion = 1

    /// The `/status` document (`schemas/status.schema.json`): every fact of this status, seqs as exact
    /// integers, times as RFC 3339 UTC, members in a fixed order.
    public var json: JSONValue {
        // `reverse` only with a migration block: documents without one keep their members.
        .object(baseMembers + (reverse.map { [(key: "reverse", value: $0.json)] } ?? []) + (controlRoom?.jsonMembers ?? []))
    }

    private var baseMembers: [(key: String, value: JSONValue)] {
        [
            ("version", .int(Int64(Self.documentVersion))),
            ("live", .bool(live)),
            ("pid", pid.map { .int(Int64($0)) } ?? .null),
            ("takenAt", .string(takenAt.rfc3339)),
            ("startedAt", startedAt.map { .string($0.rfc3339) } ?? .null),
            ("healthy", .bool(unhealthyReasons.isEmpty)),
            ("unhealthyReasons", .array(unhealthyReasons.map(JSONValue.string))),
            ("worstLagEvents", Self.unsigned(worstLagEvents)),
            ("source", source.json),
            ("journal", journal.json),
            ("sinks", .array(sinks.map(\.json))),
            ("cohorts", .array(cohorts.map(\.json))),
        ]
    }

    /// Reads a `/status` document back (what `tandem status` does with the running daemon's answer).
    /// Members this version does not know are ignored; `healthy`, `unhealthyReasons` and `worstLagEvents`
    /// are derived, so they are not read.
    /// - Throws: `StatusDocumentError` naming the first member that is missing or malformed.
    public init(json bytes: [UInt8]) throws(StatusDocumentError) {
        let document: JSONValue
        do { document = try JSONValue.parse(bytes) } catch { throw .notJSON(reason: "\(error)") }
        let r = StatusReader(document, "$")
        let version = try r.int("version")
        guard version == Self.documentVersion else {
            throw .invalid(path: "$.version", reason: "version \(version); this tandem reads version \(Self.documentVersion)")
        }
        let sinks = try r.array("sinks").enumerated().map { i, v throws(StatusDocumentError) in
            try SinkStatus(StatusReader(v, "$.sinks[\(i)]"))
        }
        self.init(live: try r.bool("live"), takenAt: try r.timestamp("takenAt"),
                  startedAt: try r.optional("startedAt") { v, p throws(StatusDocumentError) in try StatusReader.timestamp(v, p) },
                  pid: try r.optional("pid") { v, p throws(StatusDocumentError) in Int32(try StatusReader.int(v, p)) },
                  source: try SourceStatus(r.member("source")), journal: try JournalStatus(r.member("journal")),
                  sinks: sinks)
        cohorts = document["cohorts"]?.array?.compactMap(CohortStatus.init(json:)) ?? []
        reverse = document["reverse"].flatMap(ReverseStatus.init(json:))
    }

    /// A seq or count as an exact JSON integer (beyond Int64 too).
    static func unsigned(_ n: UInt64) -> JSONValue { .number(String(n)) }
}

extension SourceStatus {
    var json: JSONValue {
        .object([
            ("spec", .string(spec)),
            ("state", .string(state.rawValue)),
            ("reason", reason.map(JSONValue.string) ?? .null),
            ("position", position.map(JSONValue.string) ?? .null),
            ("eventsTotal", DaemonStatus.unsigned(eventsTotal)),
            ("quarantinedTotal", DaemonStatus.unsigned(quarantinedTotal)),
            ("quarantineByReason", .object(quarantineByReason.sorted { $0.key < $1.key }.map { ($0.key, .int(Int64($0.value))) })),
            ("eventsPerSecond", .double(eventsPerSecond)),
        ])
    }

    init(_ r: StatusReader) throws(StatusDocumentError) {
        var byReason: [String: Int] = [:]
        for (key, value) in try r.object("quarantineByReason") {
            byReason[key] = Int(try StatusReader.int(value, r.path + ".quarantineByReason." + key))
        }
        self.init(spec: try r.string("spec"), state: try r.state("state"), reason: try r.optionalString("reason"),
                  position: try r.optionalString("position"), eventsTotal: try r.unsigned("eventsTotal"),
                  quarantinedTotal: try r.unsigned("quarantinedTotal"), quarantineByReason: byReason,
                  eventsPerSecond: try r.double("eventsPerSecond"))
    }
}

extension JournalStatus {
    var json: JSONValue {
        .object([
            ("directory", .string(directory)),
            ("state", .string(state.rawValue)),
            ("reason", reason.map(JSONValue.string) ?? .null),
            ("headSeq", DaemonStatus.unsigned(headSeq)),
            ("firstSeq", DaemonStatus.unsigned(firstSeq)),
            ("bytes", DaemonStatus.unsigned(bytes)),
            ("segments", .int(Int64(segments))),
            ("headCommittedAt", headCommittedAt.map { .string($0.rfc3339) } ?? .null),
        ])
    }

    init(_ r: StatusReader) throws(StatusDocumentError) {
        self.init(directory: try r.string("directory"), state: try r.state("state"), reason: try r.optionalString("reason"),
                  headSeq: try r.unsigned("headSeq"), firstSeq: try r.unsigned("firstSeq"), bytes: try r.unsigned("bytes"),
                  segments: Int(try r.int("segments")),
                  headCommittedAt: try r.optional("headCommittedAt") { v, p throws(StatusDocumentError) in try StatusReader.timestamp(v, p) })
    }
}

extension SinkStatus {
    var json: JSONValue {
        .object([
            ("name", .string(name)),
            ("spec", .string(spec)),
            ("state", .string(state.rawValue)),
            ("reason", reason.map(JSONValue.string) ?? .null),
            ("appliedSeq", DaemonStatus.unsigned(appliedSeq)),
            ("lagEvents", DaemonStatus.unsigned(lagEvents)),
            ("lagSeconds", .double(lagSeconds)),
            ("eventsTotal", DaemonStatus.unsigned(eventsTotal)),
            ("conflicts", conflicts.json),
            ("parked", .int(Int64(parked))),
            ("eventsPerSecond", .double(eventsPerSecond)),
            ("attempts", .int(Int64(attempts))),
        ])
    }

    init(_ r: StatusReader) throws(StatusDocumentError) {
        var conflicts = ConflictCounts()
        for (key, value) in try r.object("conflicts") {
            // A kind a newer daemon counts that this version does not know is left out of the table.
            guard let kind = ConflictKind(rawValue: key) else { continue }
            let n = try StatusReader.int(value, r.path + ".conflicts." + key)
            if n > 0 { conflicts.add(kind, Int(n)) }
        }
        self.init(name: try r.string("name"), spec: try r.string("spec"), state: try r.state("state"),
                  reason: try r.optionalString("reason"), appliedSeq: try r.unsigned("appliedSeq"),
                  lagEvents: try r.unsigned("lagEvents"), lagSeconds: try r.double("lagSeconds"),
                  eventsTotal: try r.unsigned("eventsTotal"), conflicts: conflicts, parked: Int(try r.int("parked")),
                  eventsPerSecond: try r.double("eventsPerSecond"), attempts: Int(try r.int("attempts")))
    }
}

/// Reads the members of one object of the document, naming the JSON path of whatever is wrong.
struct StatusReader {
    let value: JSONValue
    let path: String

    init(_ value: JSONValue, _ path: String) { self.value = value; self.path = path }

    func member(_ key: String) throws(StatusDocumentError) -> StatusReader {
        guard case .object = value else { throw .invalid(path: path, reason: "expected an object") }
        guard let v = value[key] else { throw .invalid(path: path + "." + key, reason: "missing") }
        return StatusReader(v, path + "." + key)
    }

    func string(_ key: String) throws(StatusDocumentError) -> String {
        let m = try member(key)
        guard let s = m.value.string else { throw .invalid(path: m.path, reason: "expected a string") }
        return s
    }

    func optionalString(_ key: String) throws(StatusDocumentError) -> String? {
        try optional(key) { v, p throws(StatusDocumentError) in
            guard let s = v.string else { throw .invalid(path: p, reason: "expected a string or null") }
            return s
        }
    }

    func optional<T>(_ key: String, _ read: (JSONValue, String) throws(StatusDocumentError) -> T) throws(StatusDocumentError) -> T? {
        let m = try member(key)
        return m.value.isNull ? nil : try read(m.value, m.path)
    }

    func bool(_ key: String) throws(StatusDocumentError) -> Bool {
        let m = try member(key)
        guard let b = m.value.bool else { throw .invalid(path: m.path, reason: "expected true or false") }
        return b
    }

    func int(_ key: String) throws(StatusDocumentError) -> Int64 {
        let m = try member(key)
        return try Self.int(m.value, m.path)
    }

    func unsigned(_ key: String) throws(StatusDocumentError) -> UInt64 {
        let m = try member(key)
        guard case .number(let text) = m.value, let n = UInt64(text) else {
            throw .invalid(path: m.path, reason: "expected a whole number ≥ 0")
        }
        return n
    }

    func double(_ key: String) throws(StatusDocumentError) -> Double {
        let m = try member(key)
        guard let d = m.value.double else { throw .invalid(path: m.path, reason: "expected a number") }
        return d
    }

    func state(_ key: String) throws(StatusDocumentError) -> ComponentState {
        let text = try string(key)
        guard let s = ComponentState(rawValue: text) else {
            throw .invalid(path: path + "." + key, reason: "\"\(text)\" is not one of \(ComponentState.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return s
    }

    func timestamp(_ key: String) throws(StatusDocumentError) -> Timestamp {
        let m = try member(key)
        return try Self.timestamp(m.value, m.path)
    }

    func array(_ key: String) throws(StatusDocumentError) -> [JSONValue] {
        let m = try member(key)
        guard let a = m.value.array else { throw .invalid(path: m.path, reason: "expected an array") }
        return a
    }

    func object(_ key: String) throws(StatusDocumentError) -> [(key: String, value: JSONValue)] {
        let m = try member(key)
        guard let o = m.value.object else { throw .invalid(path: m.path, reason: "expected an object") }
        return o
    }

    static func int(_ v: JSONValue, _ path: String) throws(StatusDocumentError) -> Int64 {
        guard let n = v.int64 else { throw .invalid(path: path, reason: "expected a whole number") }
        return n
    }

    static func timestamp(_ v: JSONValue, _ path: String) throws(StatusDocumentError) -> Timestamp {
        guard let s = v.string, let t = try? Timestamp(rfc3339: s) else {
            throw .invalid(path: path, reason: "expected an RFC 3339 time")
        }
        return t
    }
}
