import Foundation
import Synchronization
import TandemCore
import TandemSQLite

/// The application of `tandem-bench cutover`: offers `rate` changes/s (one `UPDATE … qty = qty + 1` of a random
/// tenant's row each) on an exact schedule from one thread, writing each to the store the tenant's route names.
/// Routes are read from the legacy store's `_tandem_routing` (all of them every 100 ms, and a tenant's again after
/// a fence refused its write); a write refused by a fence (or routed `moving`) is retried every 2 ms until a
/// store takes it, as ops/ROUTING.md tells applications. For each tenant whose write was refused while a
/// cut-over window was open, the time from that first refusal to the write accepted is one pause sample.
final class RoutedWriter: Sendable {
    /// What the run measured.
    struct Result {
        var pauses: [Double] = []
        var changes = 0, refusals = 0
        var seconds = 0.0, slowestWrite = 0.0
        var offered: Double { seconds > 0 ? Double(changes) / seconds : 0 }
    }

    private let legacy: String, new: String, tenants: Int, rate: Double
    private let stopping = Atomic<Bool>(false)
    private let inWindow = Atomic<Bool>(false)
    private let holding = Atomic<Bool>(false)
    private let result = Mutex(Result())
    private let failure = Mutex<String?>(nil)
    private let done = DispatchSemaphore(value: 0)

    init(legacy: String, new: String, tenants: Int, rate: Double) throws {
        self.legacy = legacy; self.new = new; self.tenants = tenants; self.rate = rate
    }

    /// Starts the writing thread.
    func start() {
        Thread.detachNewThread { [self] in
            do { try loop() } catch { failure.withLock { $0 = "\(error)" } }
            done.signal()
        }
    }

    /// Marks a cut-over in hand (refusals from now on count as cut-over pauses) or over.
    func window(_ open: Bool) { inWindow.store(open, ordering: .releasing) }

    /// Holds new changes (a verify runs) or lets them go on; the time held does not count in the offered rate.
    func hold(_ on: Bool) { holding.store(on, ordering: .releasing) }

    /// Stops writing (pending retries are dropped) and returns what was measured.
    func stop() -> Result {
        stopping.store(true, ordering: .releasing)
        done.wait()
        if let f = failure.withLock({ $0 }) { FileHandle.standardError.write(Data("cutover writer: \(f)\n".utf8)) }
        return result.withLock { $0 }
    }

    private struct Pending { var firstRefused: Double; var countsAsCutOver: Bool; var nextTry: Double }

    private func loop() throws {
        let dbs = ["legacy": try Database(path: legacy, mode: .readWrite, busyTimeoutMilliseconds: 10_000),
                   "new": try Database(path: new, mode: .readWrite, busyTimeoutMilliseconds: 10_000)]
        defer { for d in dbs.values { d.close() } }
        // As a busy application runs WAL: a commit that waits for fsync would hold the write lock it shares with
        // the routing publish for milliseconds.
        for d in dbs.values { try d.execute("PRAGMA synchronous = NORMAL") }
        var routes: [String: String] = [:]
        func readRoutes() throws {
            guard let s = try? dbs["legacy"]!.prepare("SELECT tenant, writes FROM _tandem_routing") else { return }
            while try s.step() { routes[s.text(0)] = s.text(1) }
        }
        func route(_ tenant: String) throws -> String {
            let s = try dbs["legacy"]!.prepare("SELECT writes FROM _tandem_routing WHERE tenant = ?")
            try s.bind(tenant, at: 1)
            let w = try s.step() ? s.text(0) : "legacy"
            routes[tenant] = w
            return w
        }
        var rng = SplitMix64(seed: 7)
        var pending: [Int: Pending] = [:]
        var r = Result()
        let first = now()
        var start = first, base = 0, held = 0.0
        var lastRoutes = 0.0

        /// One attempt to write tenant `i`'s change; true when a store took it.
        func attempt(_ i: Int, at t: Double) throws -> Bool {
            let tenant = CutoverBench.tenant(i)
            let writes = routes[tenant] ?? "legacy"
            if writes != "moving", let db = dbs[writes] {
                let s = try db.cachedStatement("UPDATE items SET qty = qty + 1 WHERE id = ?")
                try s.bind(Int64(i), at: 1)
                let before = now()
                do {
                    try s.execute()
                    r.slowestWrite = max(r.slowestWrite, now() - before)
                    return true
                } catch let e as SQLiteError where e.message.hasPrefix("tandem: ") {
                    try? s.reset()
                    _ = try route(tenant)  // the fence says the route changed: read it again
                }
            }
            r.refusals += 1
            return false
        }

        while !stopping.load(ordering: .acquiring) {
            let t = now()
            if t - lastRoutes >= 0.1 { try readRoutes(); lastRoutes = t }
            for (i, p) in pending where p.nextTry <= t {
                if try attempt(i, at: t) {
                    if p.countsAsCutOver { r.pauses.append(now() - p.firstRefused) }
                    pending[i] = nil
                } else {
                    pending[i]?.nextTry = now() + 0.002
                }
            }
            if holding.load(ordering: .acquiring) {
                let from = now()
                while holding.load(ordering: .acquiring), !stopping.load(ordering: .acquiring) { usleep(1_000) }
                held += now() - from
                start = now(); base = r.changes
                continue
            }
            let due = base + Int((t - start) * rate)
            while r.changes < due {
                r.changes += 1
                let i = Int(rng.next() % UInt64(tenants))
                guard pending[i] == nil else { continue }  // this tenant's earlier change still waits: this one joins it
                if try !attempt(i, at: t) {
                    pending[i] = Pending(firstRefused: t, countsAsCutOver: inWindow.load(ordering: .acquiring), nextTry: now() + 0.002)
                }
            }
            let next = start + Double(r.changes - base + 1) / rate
            let wait = min(next, pending.values.map(\.nextTry).min() ?? next) - now()
            if wait > 0 { usleep(UInt32(min(wait, 0.01) * 1e6)) }
        }
        r.seconds = now() - first - held
        result.withLock { $0 = r }
    }
}
