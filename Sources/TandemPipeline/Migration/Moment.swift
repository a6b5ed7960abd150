import Foundation
import TandemCore

/// A cohort recorded in a new phase, with the steps of the moment that took it there.
public struct PhaseChange: Sendable {
    /// The cohort as recorded.
    public var cohort: Cohort
    /// How long each step took.
    public var steps: MomentSteps
}

extension CohortControl {
    /// Runs a moment (a cut-over, or a rollback from cut-over) under the migration lock the caller holds:
    /// records it (`fencing`), fences both stores (`moving`), runs `drain` (it returns the events it waited for,
    /// or nil), records the phase (`recorded`, one transaction), lifts the fence, ends the moment. Each step is
    /// timed; the pause and the steps go into the phase's timeline line.
    ///
    /// When `drain` throws, the fence is lifted again and the cohort stays where it was; when that lifting
    /// fails too, the moment stays recorded for `MomentRecovery`.
    func moment(_ c: Cohort, action: String, to: MigrationPhase, who: String, why: String?, now: Timestamp,
                drain: () throws(MigrationError) -> Int?) throws(MigrationError) -> PhaseChange {
        var steps = MomentSteps(), clock = StepClock()
        try state.beginMoment(MomentRecord(cohort: c.name, action: action, from: c.phase, to: to, step: "fencing", startedAt: now,
                                           who: who, pid: getpid()))
        try publish(moving: [c.name], since: now, only: c.name)
        steps.fenceMs = clock.lap()
        do {
            steps.drainedEvents = try drain()
        } catch {
            try publish()  // lift the fence: the cohort stays where it was (a failure here leaves the moment to recovery)
            try state.endMoment(cohort: c.name)
            throw error
        }
        steps.drainMs = clock.lap()
        let recorded = try state.recordMoment(TimelineEntry(at: now, action: action, from: c.phase, to: to, who: who, why: why), cohort: c.name)
        steps.flipMs = clock.lap()
        try publish(only: c.name)
        steps.liftMs = clock.lap()
        try state.endMoment(cohort: c.name)
        try state.setSteps(steps, cohort: c.name)
        return PhaseChange(cohort: recorded, steps: steps)
    }
}
