import TandemCore

/// Leaving `shadow` (for `reads-new`) only after a clean `tandem verify --cohort NAME` made while the cohort is
/// in shadow, against the mapping as it is now: the new store holds every row of the cohort's tenants as the
/// legacy store has it, and none of their rows waits in quarantine.
public struct VerifyGate: CohortGate {
    /// `verify`.
    public var name: String { "verify" }

    /// A gate that needs no parts: the result it reads is in the state file.
    public init() {}

    /// Only `shadow → reads-new`.
    public func guards(from: MigrationPhase, to: MigrationPhase) -> Bool { from == .shadow && to == .readsNew }

    /// Reads the cohort's last verify from the state file.
    public func check(_ c: GateContext) -> GateResult {
        func result(_ passed: Bool, _ detail: String) -> GateResult { GateResult(gate: name, passed: passed, detail: detail, checkedAt: c.now) }
        let hint = "run tandem verify --config \(c.config.file) --cohort \(c.cohort.name)"
        do {
            let state = try MigrationStateFile(path: c.migration.state, readOnly: true)
            defer { state.close() }
            guard let last = try state.lastVerify(cohort: c.cohort.name) else { return result(false, "no verify of the cohort yet; \(hint)") }
            guard last.at.microseconds >= c.cohort.since.microseconds else {
                return result(false, "the last verify (\(last.at.rfc3339)) is older than the cohort's phase \(c.cohort.phase.rawValue) (since \(c.cohort.since.rfc3339)); \(hint)")
            }
            let version = try Verifier.mappingVersion(c.config.mapping)
            guard last.mappingVersion == version else {
                return result(false, "the last verify compared with mapping \(last.mappingVersion), the mapping is now \(version); \(hint)")
            }
            return result(last.clean, "last verify at \(last.at.rfc3339): \(last.summary)" + (last.clean ? "" : "; fix and \(hint)"))
        } catch {
            return result(false, "the last verify cannot be read: \(error)")
        }
    }
}
