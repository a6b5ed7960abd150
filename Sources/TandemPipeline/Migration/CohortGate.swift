import TandemCore

/// What a gate may look at: the config, the cohort, the clock.
public struct GateContext: Sendable {
    /// The daemon's config.
    public var config: DaemonConfig
    /// Its migration block.
    public var migration: DaemonConfig.Migration
    /// The cohort being moved.
    public var cohort: Cohort
    /// Now.
    public var now: Timestamp
}

/// A named check a cohort must pass to move from one phase to another. Adding a gate is adding a file with a
/// type conforming to this and listing it in `CohortGates.all`.
public protocol CohortGate: Sendable {
    /// The gate's name, as `cohort show` and `advance`'s refusal print it.
    var name: String { get }
    /// Whether this gate guards the move `from → to`.
    func guards(from: MigrationPhase, to: MigrationPhase) -> Bool
    /// Checks the gate now.
    func check(_ context: GateContext) -> GateResult
}

/// Every gate, in the order they are checked.
public enum CohortGates {
    /// The gates (issue 13 brings `forward-lag`, issue 14 `verify`, issue 14 `drill`, issue 15 `notice`).
    public static let all: [any CohortGate] = [VerifyGate(), ForwardLagGate(), DrillGate(), NoticeGate()]

    /// The gates guarding `from → to`.
    public static func guarding(from: MigrationPhase, to: MigrationPhase) -> [any CohortGate] {
        all.filter { $0.guards(from: from, to: to) }
    }
}
