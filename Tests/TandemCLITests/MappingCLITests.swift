import Foundation
import TandemTesting
import XCTest

/// `tandem mapping check FILE [--reverse]`, run as an operator runs it.
final class MappingCLITests: XCTestCase {
    func write(_ text: String, _ dir: URL) throws -> String {
        let path = dir.appendingPathComponent("mapping.json").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func testReverseListsEveryColumnsRule() throws {
        let dir = try temporaryDirectory(self)
        let path = try write(#"""
        {"entities": {"Track": {"target": "tracks", "columns": {
          "TrackId": "id",
          "UnitPrice": {"rename": "unit_price", "type": "decimal"},
          "Name": {"rename": "name", "transforms": ["trim"]},
          "Added": {"rename": "added_at", "transforms": [{"parseTimestamp": "%d.%m.%Y", "zone": "Europe/Berlin"}]},
          "Media": {"rename": "media", "transforms": [{"map": {"1": "mpeg", "2": "aac"}}], "reverse": {"type": "int"}},
          "Bytes": false}}}}
        """#, dir)
        let r = try CLI.run(["mapping", "check", path, "--reverse"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stderr, "")
        XCTAssertEqual(r.stdout, """
        Track ← tracks
          Track.Added ← tracks.added_at: rename from added_at; format "%d.%m.%Y" in Europe/Berlin
          Track.Bytes: dropped: the legacy value is kept
          Track.Media ← tracks.media: rename from media; map back (aac → "2", mpeg → "1"); back to the legacy column's type (int)
          Track.Name ← tracks.name: rename from name; trim cannot be undone: the new value is written as it is
          Track.TrackId ← tracks.id: rename from id; as is
          Track.UnitPrice ← tracks.unit_price: rename from unit_price; as is; back to the legacy column's type (as the legacy store declares it)
          other columns: written back under their own name

        """)
        let forward = try CLI.run(["mapping", "check", path])
        XCTAssertEqual(forward.status, 0, forward.stderr)
        XCTAssertEqual(forward.stdout, "ok: \(path): 1 entity, 6 listed columns\n")
    }

    func testAMigratedColumnWithoutAReverseRuleIsRefusedOneLineEachExit65() throws {
        let dir = try temporaryDirectory(self)
        let path = try write(#"""
        {"entities": {
          "kunden": {"target": "customers", "columns": {
            "status": {"transforms": [{"map": {"A": "active", "X": "active"}}]},
            "art": {"transforms": [{"map": {"A": "x", "B": "x"}}], "reverse": {"map": {"x": "A"}}},
            "typ": {"transforms": [{"map": {"1": "a", "2": "a"}}]}}}}}
        """#, dir)
        let r = try CLI.run(["mapping", "check", path, "--reverse"])
        XCTAssertEqual(r.status, 65)
        let lines = r.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 2, r.stderr)
        XCTAssertTrue(lines[0].hasPrefix("tandem: kunden.status: map is not one-to-one (\"A\" and \"X\" both map to \"active\"); hint: add a \"reverse\" rule"), r.stderr)
        XCTAssertTrue(lines[1].hasPrefix("tandem: kunden.typ: map is not one-to-one"), r.stderr)
        XCTAssertTrue(r.stdout.contains("kunden.art ← customers.art: reverse map (x → \"A\")"), r.stdout)
        // Without --reverse the same file is a valid forward mapping.
        XCTAssertEqual(try CLI.run(["mapping", "check", path]).status, 0)
    }

    func testABadFileIsOneLineWithItsPath() throws {
        let dir = try temporaryDirectory(self)
        let path = try write(#"{"entities": {"t": {"columns": {"a": {"reverse": "undo"}}}}}"#, dir)
        let r = try CLI.run(["mapping", "check", path, "--reverse"])
        XCTAssertEqual(r.status, 65)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("mapping.entities.t.columns.a.reverse: unknown reverse rule \"undo\""), r.stderr)
        XCTAssertEqual(try CLI.run(["mapping", "check", dir.path + "/none.json"]).status, 66)
    }
}
