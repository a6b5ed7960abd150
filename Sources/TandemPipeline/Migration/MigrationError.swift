import TandemCore

/// Why a cohort command or the migration state could not do what was asked.
public enum MigrationError: CategorizedError, CustomStringConvertible, Sendable {
    /// The config has no `migration` block.
    case notConfigured(config: String)
    /// The state file cannot be opened, read or written.
    case state(file: String, reason: String)
    /// No cohort of that name.
    case noSuchCohort(String, known: [String])
    /// A cohort of that name exists already.
    case cohortExists(String)
    /// The definition selects no tenant, or is malformed.
    case badDefinition(String)
    /// A tenant is already in another cohort.
    case tenantTaken(tenant: String, cohort: String)
    /// The phase change is not allowed from here (the reason names why).
    case refused(cohort: String, reason: String)
    /// A gate did not hold.
    case gateFailed(cohort: String, from: MigrationPhase, to: MigrationPhase, gate: String, detail: String)
    /// The audit report cannot be read.
    case audit(path: String, reason: String)
    /// The stores (routing, fences) could not be reached or written.
    case store(target: String, reason: String)
    /// Another process holds the migration lock (a cut-over or rollback in hand; the reason names it).
    case busy(String)

    public var description: String {
        switch self {
        case .notConfigured(let c):
            return "\(c) has no \"migration\" block; add {\"new\": SINK, \"legacy\": \"sqlite:legacy.db\"} (schemas/config.schema.json)"
        case .state(let f, let r): return "migration state \(f): \(r)"
        case .noSuchCohort(let n, let known):
            return "no cohort named \"\(n)\"" + (known.isEmpty ? " (there is none yet: tandem cohort create)" : "; cohorts: \(known.joined(separator: ", "))")
        case .cohortExists(let n): return "a cohort named \"\(n)\" exists already; choose another name"
        case .badDefinition(let r): return r
        case .tenantTaken(let t, let c): return "tenant \(t) is already in cohort \"\(c)\" (a tenant belongs to at most one cohort)"
        case .refused(let c, let r): return "cohort \(c): \(r)"
        case .gateFailed(let c, let f, let t, let g, let d):
            return "cohort \(c) stays in \(f.rawValue): gate \(g) for \(f.rawValue) → \(t.rawValue) does not hold: \(d)"
        case .audit(let p, let r): return "audit report \(p): \(r)"
        case .store(let t, let r): return "\(t): \(r)"
        case .busy(let r): return "\(r); try again when it ends"
        }
    }
}

extension MigrationError {
    /// The kind of failure (the CLI's exit code, the daemon's health).
    public var category: ErrorCategory {
        switch self {
        case .notConfigured: return .badData
        case .state: return .ioError
        case .noSuchCohort, .audit: return .noInput
        case .cohortExists, .badDefinition, .tenantTaken, .refused, .gateFailed: return .refused
        case .store: return .unavailable
        case .busy: return .tryAgain
        }
    }
}
