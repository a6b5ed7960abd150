import Foundation
import TandemCore
import TandemJournal
import XCTest
@testable import TandemSinks
import TandemTesting

/// Promise: `tandem replay` killed with SIGKILL at any moment leaves the store exactly at its checkpoint
/// (before or after each whole batch), and restarting it ends with the exact reference state.
///
/// A real `tandem replay` process is started again and again on the same journal and store and killed
/// at a random moment; after every kill the store must equal the reference model replayed up to the
/// store's checkpoint, and the checkpoint never moves back.
final class ReplayCrashTests: XCTestCase {
    /// Kills per sink in the suite; `scripts/soak replay` raises it with TANDEM_TRIALS.
    static let trials = Int(ProcessInfo.processInfo.environment["TANDEM_TRIALS"] ?? "") ?? 30

    func testSQLiteReplaySurvivesSIGKILL() throws {
        try killAndResume(kind: .sqlite) {
            let path = try TestStores.sqlitePath()
            return ("sqlite:\(path)", { try StoreDump.sqlite(path) })
        }
    }

    func testPostgresReplaySurvivesSIGKILL() throws {
        _ = try TestStores.postgresBase()
        try killAndResume(kind: .postgres) {
            let db = try TestStores.postgresDatabase()
            return (#"{"kind":"postgres","url":"\#(db)"}"#, { try StoreDump.postgres(db) })
        }
    }

    /// Each trial: a fresh store, a replay killed at a random moment of its run (its length measured
    /// first), the store checked against the reference at its checkpoint, then the replay restarted
    /// to the end and the store checked against the whole reference.
    private func killAndResume(kind: StoreKind, freshStore: () throws -> (spec: String, dump: () throws -> Dump)) throws {
        let events = EventGenerator.stream(seed: 0xC0FFEE, count: 3_000, truncates: true)
        let journal = try TestStores.temporaryDirectory() + "/journal"
        try Journal.create(at: journal)
        let writer = try JournalWriter(directory: journal)
        try writer.append(events)
        writer.close()
        let whole = StoreDump.model(ReferenceModel.replay(events), kind)
        func replay(_ spec: String) throws -> Process {
            let child = Process()
            child.executableURL = TandemBinary.url
            child.arguments = ["replay", "--journal", journal, "--into", spec, "--batch", "10"]
            child.standardOutput = FileHandle.nullDevice
            child.standardError = FileHandle.nullDevice
            try child.run()
            return child
        }
        let first = try freshStore()
        let full = try replay(first.spec)
        full.waitUntilExit()
        XCTAssertEqual(full.terminationStatus, 0)
        XCTAssertEqual(try first.dump(), whole)

        var rng = SplitMix64(seed: 0x5EED)
        var interrupted = 0
        for trial in 0..<Self.trials {
            let store = try freshStore()
            let probe = try SinkSpec.parse(store.spec).open()
            let child = try replay(store.spec)
            // A random moment of the run: once the store's checkpoint has reached a random seq (polled, so
            // the kill lands mid-replay however fast the machine is), plus a random fraction of a batch.
            let target = rng.next() % UInt64(events.count)
            let deadline = Date().addingTimeInterval(60)
            while child.isRunning, Date() < deadline, ((try? probe.checkpoint())?.seq ?? 0) < target { usleep(200) }
            usleep(UInt32(rng.next() % 2_000))  // chaos, not a wait: lands anywhere inside the next batch
            kill(child.processIdentifier, SIGKILL)
            probe.close()
            child.waitUntilExit()
            if child.terminationReason == .uncaughtSignal { interrupted += 1 }
            let checkpoint = try SinkSpec.parse(store.spec).open().checkpoint()?.seq ?? 0
            let expected = StoreDump.model(ReferenceModel.replay(events.prefix(Int(checkpoint))), kind)
            XCTAssertEqual(try store.dump(), expected, "trial \(trial): the store is not the reference at seq \(checkpoint)")
            let resumed = try replay(store.spec)
            resumed.waitUntilExit()
            XCTAssertEqual(resumed.terminationStatus, 0, "trial \(trial): the restarted replay failed")
            XCTAssertEqual(try SinkSpec.parse(store.spec).open().checkpoint()?.seq, UInt64(events.count))
            XCTAssertEqual(try store.dump(), whole, "trial \(trial): the restarted replay did not end at the reference")
            if testRun?.failureCount ?? 0 > 0 { return }
        }
        XCTAssertGreaterThan(interrupted, Self.trials / 2, "most runs must be killed mid-replay for the test to mean anything")
    }
}
