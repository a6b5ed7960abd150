import Foundation
import TandemCore
import TandemSQLite

/// The tenants whose new-store changes the reverse flow carries back to legacy, read from the migration's
/// state file: those of the cohorts in `cut-over` (a rollback from `cut-over` stays recorded there until its
/// drain is done) and of the cohorts rolled back from `cut-over` (a change that slipped in before the new
/// store's fence still goes back; the fence keeps any other out). A `done` cohort's changes stay in the new
/// store, as do those of tenants in no cohort or in another phase (their writes are fenced there).
///
/// Decided at capture time, per batch, from a read of the state file made after the batch was read: a change
/// in the new store is written only once its tenant's phase lets it (the phase is recorded before the new
/// store's fence lifts), so the read sees the phase the change was made in — or a later one, which is why
/// `advance --to done` drains the reverse flow behind a fence before it records `done`.
///
/// - Important: not `Sendable` (it holds the state file's connection); one reader thread uses it.
final class ReverseTenants {
    /// The state file.
    let path: String
    private var state: MigrationStateFile?
    /// The tenants carried back, as last read.
    private(set) var carried: Set<String> = []
    /// The state file's `data_version` when `carried` was read.
    private var readAt: Value?

    init(path: String) { self.path = path }

    deinit { state?.close() }

    /// Reads the state file again (no file yet: no cohort, nothing is carried).
    /// - Throws: `MigrationError.state` when it cannot be read now (the pass fails and is retried: a change is
    ///   never passed over on a guess).
    func refresh() throws(MigrationError) {
        if state == nil {
            guard FileManager.default.fileExists(atPath: path) else { carried = []; return }
            state = try MigrationStateFile(path: path, readOnly: true)
        }
        guard let state else { return }
        do {
            // SQLite's data_version moves when another connection commits: unchanged, the last read holds.
            let version = try state.wrap { try state.db.scalar("PRAGMA data_version") }
            if let version, version == readAt { return }
            carried = try Self.carried(state)
            readAt = version
        } catch {
            state.close(); self.state = nil; readAt = nil
            throw error
        }
    }

    /// The tenants of the cohorts in `cut-over` or rolled back from it.
    static func carried(_ state: MigrationStateFile) throws(MigrationError) -> Set<String> {
        var out: Set<String> = []
        for c in try state.cohorts() {
            switch c.phase {
            case .cutOver: out.formUnion(c.tenants)
            case .rolledBack:
                if try state.timeline(of: c.name).last(where: { $0.to == .rolledBack })?.from == .cutOver { out.formUnion(c.tenants) }
            default: continue
            }
        }
        return out
    }
}
