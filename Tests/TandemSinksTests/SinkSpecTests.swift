import Foundation
import TandemCore
import TandemSQLite
import XCTest
@testable import TandemSinks
import TandemTesting

final class SinkSpecTests: XCTestCase {
    func testParsesTheURLLikeForms() throws {
        XCTAssertEqual(try SinkSpec.parse("sqlite:path/to/new.db"), SinkSpec(kind: .sqlite(path: "path/to/new.db", synchronous: .full)))
        XCTAssertEqual(try SinkSpec.parse("sqlite:///abs/new.db").kind, .sqlite(path: "/abs/new.db", synchronous: .full))
        let pg = try SinkSpec.parse("postgres:///tandem?host=/tmp/pg&port=5433")
        XCTAssertEqual(pg.kind, .postgres(conninfo: "postgres:///tandem?host=/tmp/pg&port=5433"))
        XCTAssertEqual(pg.name, "default")
        XCTAssertEqual(pg.description, "postgres://[/tmp/pg]:5433/tandem")
    }

    func testParsesTheJSONFormInlineAndFromAFile() throws {
        let inline = try SinkSpec.parse(#"{"kind":"sqlite","path":"a.db","name":"cohort-1","synchronous":"full"}"#)
        XCTAssertEqual(inline, SinkSpec(kind: .sqlite(path: "a.db", synchronous: .full), name: "cohort-1"))
        let file = try TestStores.temporaryDirectory() + "/sink.json"
        try Data(#"{"kind":"postgres","url":"postgresql://u:pw@127.0.0.1/db"}"#.utf8).write(to: URL(fileURLWithPath: file))
        let pg = try SinkSpec.parse(file)
        XCTAssertEqual(pg.kind, .postgres(conninfo: "postgresql://u:pw@127.0.0.1/db"))
        XCTAssertEqual(pg.description, "postgres://u@127.0.0.1/db")
    }

    func testRefusesWhatItCannotUnderstand() {
        for bad in ["", "mysql://x", "sqlite:", #"{"kind":"oracle"}"#, #"{"kind":"sqlite"}"#, #"{"kind":"sqlite","path":"a","synchronous":"off"}"#,
                    #"{"kind":"postgres"}"#, "/nonexistent/sink.json", "u:secretpw@host"] {
            XCTAssertThrowsError(try SinkSpec.parse(bad), bad) { error in
                guard case SinkError.badSpec = error else { return XCTFail("\(bad): \(error)") }
                XCTAssertEqual((error as! SinkError).category, .config)
                XCTAssertFalse("\(error)".contains("secretpw"), "\(error)")
            }
        }
    }
}
