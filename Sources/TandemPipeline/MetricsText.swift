/// A page in the Prometheus text exposition format 0.0.4, built without a registry: append samples, then
/// take `text`. Samples of one family come out together under one `# HELP` and `# TYPE`, in the order the
/// families were first appended, whatever order the samples arrived in.
public struct MetricsText: Sendable {
    /// The Content-Type `/metrics` answers with.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// The metric types this writer emits.
    public enum MetricType: String, Sendable {
        /// Only goes up (reset by a restart); by convention its name ends in `_total`.
        case counter
        /// Goes up and down.
        case gauge
    }

    private struct Family: Sendable {
        let type: MetricType
        let help: String
        var samples: [String] = []
    }

    private var order: [String] = []
    private var families: [String: Family] = [:]

    /// An empty page.
    public init() {}

    /// Appends one sample of the family `name`. The first sample of a family fixes its type and help text;
    /// later ones only add lines. A character a metric or label name may not hold becomes `_`.
    public mutating func append(_ name: String, type: MetricType, help: String,
                                labels: KeyValuePairs<String, String> = [:], value: Double) {
        append(name, type: type, help: help, labels: labels, formatted: Self.format(value))
    }

    /// Appends one sample with an integer value (a seq, a count of bytes), written exactly, not rounded
    /// through a double. An integer literal lands here.
    public mutating func append(_ name: String, type: MetricType, help: String,
                                labels: KeyValuePairs<String, String> = [:], value: some BinaryInteger) {
        append(name, type: type, help: help, labels: labels, formatted: String(value))
    }

    /// The exposition text, one line per sample, ending in a newline (empty when nothing was appended).
    public var text: String {
        var out = ""
        for name in order {
            guard let family = families[name] else { continue }
            out += "# HELP \(name) \(Self.escapeHelp(family.help))\n"
            out += "# TYPE \(name) \(family.type.rawValue)\n"
            for line in family.samples { out += line + "\n" }
        }
        return out
    }

    private mutating func append(_ rawName: String, type: MetricType, help: String,
                                 labels: KeyValuePairs<String, String>, formatted: String) {
        let name = Self.sanitized(rawName, colonAllowed: true)
        if families[name] == nil {
            order.append(name)
            families[name] = Family(type: type, help: help)
        }
        var line = name
        if !labels.isEmpty {
            line += "{"
            line += labels.map { "\(Self.sanitized($0.key, colonAllowed: false))=\"\(Self.escapeLabelValue($0.value))\"" }
                .joined(separator: ",")
            line += "}"
        }
        line += " " + formatted
        families[name]!.samples.append(line)
    }

    /// A value as the format writes it: `+Inf`, `-Inf`, `NaN`, an integral value without exponent or
    /// fraction, anything else in Swift's shortest round-trip form (which Go's ParseFloat reads).
    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 9_007_199_254_740_992 { return String(Int64(value)) }
        return value.description
    }

    /// HELP text: backslash and newline escaped.
    static func escapeHelp(_ text: String) -> String {
        var out = ""
        for c in text.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// A label value: backslash, double quote and newline escaped.
    static func escapeLabelValue(_ text: String) -> String {
        var out = ""
        for c in text.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// `[a-zA-Z_:][a-zA-Z0-9_:]*` for metric names, the same without `:` for label names.
    static func sanitized(_ name: String, colonAllowed: Bool) -> String {
        var out = ""
        for (i, c) in name.unicodeScalars.enumerated() {
            let ok = (c.isASCII && (c.properties.isAlphabetic || c == "_" || (colonAllowed && c == ":")))
                || (i > 0 && c >= "0" && c <= "9")
            out += ok ? String(c) : "_"
        }
        return out.isEmpty ? "_" : out
    }
}

extension HTTPResponse {
    /// A `/metrics` answer: the page with the exposition format's Content-Type.
    public static func metrics(_ page: MetricsText) -> HTTPResponse {
        HTTPResponse(contentType: MetricsText.contentType, body: Array(page.text.utf8))
    }
}
