import TandemCore

/// Why `tandem verify` could not compare the stores (a difference found is a result, not an error).
public enum VerifyError: CategorizedError, CustomStringConvertible, Sendable {
    /// A store cannot be opened or read.
    case store(String, String)
    /// Verify does not handle this setup (yet); the reason says what is missing.
    case unsupported(String)
    /// The scope names an entity or table that is not there.
    case noSuchEntity(String, known: [String])
    /// The mapping does not keep the legacy key order, so key ranges of the two stores cannot be matched.
    case keyOrder(entity: String, key: String)
    /// `--repair` could not journal its keys (the daemon's answer, or the reason it could not be asked).
    case repair(String)
    /// `--repair` waited too long for the daemon (to journal the keys, or its new sink to apply them).
    case repairTimeout(waitingFor: String, seconds: Double, hint: String)

    public var description: String {
        switch self {
        case .store(let s, let r): return "\(s): \(r)"
        case .unsupported(let r): return "verify: \(r)"
        case .noSuchEntity(let e, let known):
            return "verify: no entity \"\(e)\" to verify; entities: \(known.isEmpty ? "none" : known.joined(separator: ", "))"
        case .keyOrder(let e, let k):
            return "verify: \(e): the mapped key \(k) is out of the legacy key order (the mapping changes how keys sort);"
                + " hint: verify needs the target key to sort as the legacy key does"
        case .repair(let r): return "verify --repair: \(r)"
        case .repairTimeout(let what, let s, let hint):
            return "verify --repair: gave up after \(Int(s)) s waiting for \(what); hint: \(hint)"
        }
    }

    /// The kind of failure (the CLI's exit code).
    public var category: ErrorCategory {
        switch self {
        case .store: return .unavailable
        case .unsupported: return .refused
        case .noSuchEntity: return .usage
        case .keyOrder: return .badData
        case .repair: return .unavailable
        case .repairTimeout: return .tryAgain
        }
    }
}
