import TandemCore

/// One thing wrong in a config file, at its JSON path (`$.sinks[1].into`).
public struct ConfigFault: Sendable, Hashable, CustomStringConvertible {
    /// Where: `$` is the whole document, then `.key` and `[index]`.
    public var path: String
    /// What is wrong, and what is accepted (never a secret).
    public var message: String

    /// A fault at `path`.
    public init(path: String, message: String) { self.path = path; self.message = message }

    /// `$.sinks[1].intoo: unknown key; did you mean "into"?`
    public var description: String { "\(path): \(message)" }
}

/// Why a daemon config could not be loaded.
public enum DaemonConfigError: CategorizedError, CustomStringConvertible, Equatable {
    /// The file does not exist.
    case missing(file: String)
    /// The file exists but cannot be read.
    case unreadable(file: String, reason: String)
    /// The file is not a valid config: every fault found (top-level keys in the order the schema lists them).
    case invalid(file: String, faults: [ConfigFault])

    /// The kind of failure: a file that is not there or cannot be read is no input; one that is not a valid
    /// config is bad data (its content, not how it was named).
    public var category: ErrorCategory {
        switch self {
        case .missing, .unreadable: return .noInput
        case .invalid: return .badData
        }
    }

    /// The faults (empty for a file that could not be read).
    public var faults: [ConfigFault] {
        if case .invalid(_, let faults) = self { return faults } else { return [] }
    }

    /// One line a fault, each starting with the file.
    public var description: String {
        switch self {
        case .missing(let file): return "\(file): no such config file"
        case .unreadable(let file, let reason): return "\(file): cannot read the config file: \(reason)"
        case .invalid(let file, let faults):
            return faults.map { "\(file): \($0)" }.joined(separator: "\n")
        }
    }
}
