import Foundation
import TandemCore
import TandemJournal
import TandemSinks
import TandemSources

/// Rollback from `cut-over`, between the fences (the mirror of `CutOverMoment`): with the new store fenced for
/// the cohort (`moving`), wait until every new-store change made before the fence is in the legacy store.
///
/// "In the legacy store" is: the reverse journal holds the new store's changes up to the fence (its last
/// event's change id reaches the change table's largest id read after the fence), and the legacy store's
/// checkpoint row `reverse` has reached the journal's head as it was then. A running daemon's reverse worker
/// does the work (its lock on the reverse journal says so) and this waits for it; with no daemon, a pass of
/// `ReverseFlow` runs here. On timeout the caller lifts the fence again and the cohort stays in `cut-over`.
struct ReverseDrain {
    let control: CohortControl
    var timeout: Duration

    func run(_ cohort: Cohort, deadline: ContinuousClock.Instant) throws(MigrationError) {
        let config = control.config
        let settings = try ReverseSetup.settings(config)
        let fenceID = ReverseSetup.newChangeID(config)
        guard fenceID != nil || Journal.exists(at: settings.journal) else { return }  // nothing was ever written to the new store
        do {
            _ = try ReverseSetup.flow(config).runOnce()
        } catch let e as JournalError {
            guard case .locked = e else { throw refusal(cohort, "the reverse journal \(settings.journal): \(e)") }
            // The daemon's reverse worker holds the journal: it drains; wait for it below.
        } catch let e as MigrationError {
            throw e
        } catch {
            throw refusal(cohort, "\(error)")
        }
        var last = "", target: UInt64?
        // Checked once even past the deadline: a pass run here above may itself have taken the whole time.
        while true {
            do {
                let head = try Journal.lastEvent(at: settings.journal)
                if target == nil {
                    let reached = fenceID.map { id in (head?.sourcePosition).flatMap(SnapshotPosition.changeID(of:)) ?? 0 >= id } ?? true
                    if reached { target = head?.seq ?? 0 }
                }
                if let target {
                    let sink = try settings.legacy.open()
                    let applied = try sink.checkpoint()?.seq ?? 0
                    sink.close()
                    if applied >= target { return }
                    last = "the legacy store has applied reverse seq \(applied) of \(target)"
                } else {
                    last = "the reverse journal does not yet hold the new store's changes up to change id \(fenceID ?? 0)"
                }
            } catch {
                last = "\(error)"
            }
            if ContinuousClock().now >= deadline { break }
            usleep(5_000)
        }
        throw refusal(cohort, last + "; is tandem run running?")
    }

    func refusal(_ cohort: Cohort, _ detail: String) -> MigrationError {
        .refused(cohort: cohort.name, reason: "the legacy store did not get every new-store change within \(timeout) of the new store's fence"
                 + " (\(detail)); the fence is lifted and the cohort stays in cut-over")
    }
}
