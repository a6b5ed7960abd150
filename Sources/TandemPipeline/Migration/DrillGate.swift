import TandemCore

/// Entering `cut-over` only after a passing `tandem drill --cohort NAME` with the mapping as it is now: the
/// cohort's cut-over and rollback were rehearsed on copies of both stores, and nothing was lost either way.
public struct DrillGate: CohortGate {
    /// `drill`.
    public var name: String { "drill" }

    /// A gate that needs no parts: the result it reads is in the state file.
    public init() {}

    /// Every move into `cut-over`.
    public func guards(from: MigrationPhase, to: MigrationPhase) -> Bool { to == .cutOver && from != .cutOver }

    /// Reads the cohort's last drill from the state file.
    public func check(_ c: GateContext) -> GateResult {
        func result(_ passed: Bool, _ detail: String) -> GateResult { GateResult(gate: name, passed: passed, detail: detail, checkedAt: c.now) }
        let hint = "run tandem drill --config \(c.config.file) --cohort \(c.cohort.name)"
        do {
            let state = try MigrationStateFile(path: c.migration.state, readOnly: true)
            defer { state.close() }
            guard let last = try state.lastDrill(cohort: c.cohort.name) else { return result(false, "no drill of the cohort yet; \(hint)") }
            let version = try Verifier.mappingVersion(c.config.mapping)
            guard last.mappingVersion == version else {
                return result(false, "the last drill (\(last.at.rfc3339)) rehearsed mapping \(last.mappingVersion), the mapping is now \(version); \(hint)")
            }
            guard last.passed else { return result(false, "the last drill (\(last.at.rfc3339)) failed: \(last.reason); fix and \(hint)") }
            return result(true, "last drill at \(last.at.rfc3339) passed: \(last.reason)")
        } catch {
            return result(false, "the last drill cannot be read: \(error)")
        }
    }
}
