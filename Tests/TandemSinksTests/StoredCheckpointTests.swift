import Foundation
import TandemCore
import TandemPostgres
import XCTest
@testable import TandemSinks

/// `SinkSpec.storedCheckpoint()`: the checkpoint row read without creating or changing anything
/// (`tandem status` with no daemon running).
final class StoredCheckpointTests: XCTestCase {
    private func events(_ n: Int) -> [Event] {
        (1...n).map { Event(seq: UInt64($0), txn: "t\($0)", entity: "customers", key: ["id": .int(Int64($0))], op: .insert,
                            after: ["id": .int(Int64($0))]) }
    }

    func testSQLiteAMissingStoreOrTableIsNilAndNothingIsCreated() throws {
        let dir = try TestStores.temporaryDirectory()
        let path = dir + "/new.db"
        let spec = SinkSpec(kind: .sqlite(path: path, synchronous: .full), name: "new")
        XCTAssertNil(try spec.storedCheckpoint())
        XCTAssertFalse(FileManager.default.fileExists(atPath: path), "reading created the store")
        try sqliteExec(path, "CREATE TABLE other (id INTEGER PRIMARY KEY)")
        XCTAssertNil(try spec.storedCheckpoint())
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["new.db"], "no -wal or -shm left behind")
    }

    func testSQLiteTheRowOfTheSinksNameIsRead() throws {
        let id = "0F0E0D0C-0B0A-0908-0706-050403020100"
        let path = try TestStores.sqlitePath()
        for name in ["new", "other"] {
            let sink = try SQLiteSink(path: path, name: name)
            try sink.apply(events(name == "new" ? 2 : 3), journalID: id)
            sink.close()
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        XCTAssertEqual(try SinkSpec(kind: .sqlite(path: path, synchronous: .full), name: "new").storedCheckpoint(),
                       SinkCheckpoint(journalID: id, seq: 2))
        XCTAssertEqual(try SinkSpec(kind: .sqlite(path: path, synchronous: .full), name: "other").storedCheckpoint()?.seq, 3)
        XCTAssertNil(try SinkSpec(kind: .sqlite(path: path, synchronous: .full), name: "never").storedCheckpoint())
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), before, "reading changed the store")
    }

    func testPostgresAFreshDatabaseIsNilWithoutATableMadeThenTheRowIsRead() throws {
        let conninfo = try TestStores.postgresDatabase()
        let spec = SinkSpec(kind: .postgres(conninfo: conninfo), name: "pg")
        XCTAssertNil(try spec.storedCheckpoint())
        let admin = try PostgresConnection(conninfo: conninfo, redactor: try PostgresRedactor(conninfo: conninfo))
        defer { admin.close() }
        XCTAssertEqual(try admin.query("SELECT to_regclass('_tandem_checkpoint') IS NULL")[0, 0], "t", "reading created the table")
        let sink = try PostgresSink(conninfo: conninfo, name: "pg")
        try sink.apply(events(2), journalID: "J")
        sink.close()
        XCTAssertEqual(try spec.storedCheckpoint(), SinkCheckpoint(journalID: "J", seq: 2))
    }

    func testPostgresAnUnreachableStoreThrowsWithoutItsPassword() {
        let spec = SinkSpec(kind: .postgres(conninfo: "postgresql://tandem:s3cr3t-pw@127.0.0.1:1/db?connect_timeout=2"), name: "pg")
        XCTAssertThrowsError(try spec.storedCheckpoint()) { error in
            XCTAssertFalse("\(error)".contains("s3cr3t-pw"), "\(error)")
            guard case .connectionLost? = error as? SinkError else { return XCTFail("\(error)") }
        }
    }

    /// Runs `sql` with the sqlite3 shell (a store made by another program).
    private func sqliteExec(_ path: String, _ sql: String) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        p.arguments = [path, sql]
        try p.run()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
    }
}
