import Testing
@testable import TandemCore

/// Key identity and the entity key rules, as the stores see keys: byte for byte, by kind, in any column order.
@Suite struct EntityKeyCatalogTests {
    @Test func keyIdentityIgnoresColumnOrderButNotNormalizationOrKind() throws {
        let columns = ["region", "no"]
        func id(_ key: Row) throws -> KeyIdentity { KeyIdentity(ordered: try #require(KeyIdentity.reorder(key, to: columns))) }
        #expect(try id(["no": .int(1), "region": .string("eu")]) == id(["region": .string("eu"), "no": .int(1)]))
        #expect(try id(["region": .string("Jos\u{E9}"), "no": .int(1)]) != id(["region": .string("Jose\u{301}"), "no": .int(1)]))
        #expect(try id(["region": .string("eu"), "no": .int(5)]) != id(["region": .string("eu"), "no": .decimal("5")]))
        #expect(KeyIdentity.reorder(["no": .int(1)], to: columns) == nil)
        #expect(KeyIdentity.reorder(["no": .int(1), "Region": .string("eu")], to: columns) == nil)
        #expect(KeyIdentity(ordered: ["b": .bool(true)]) != KeyIdentity(ordered: ["b": .int(1)]))
        #expect(ExactText("Jos\u{E9}") != ExactText("Jose\u{301}"))
        #expect(Set([ExactText("Jos\u{E9}"), ExactText("Jose\u{301}")]).count == 2)
    }

    @Test(arguments: [("0", true), ("-3", true), ("10.5", true), ("0.001", true), ("-0.5", true),
                      ("1e-999", false), ("10.50", false), ("-0", false), ("007", false), ("1.", false), (".5", false),
                      ("", false), ("-", false), ("NaN", false), ("1.0", false)])
    func decimalKeysNeedTheirCanonicalSpelling(text: String, canonical: Bool) {
        #expect(EntityKeyCatalog.isCanonicalDecimal(text) == canonical)
    }

    @Test func theFirstEventFixesTheKeyAndALookAlikeNameIsRefused() throws {
        var c = EntityKeyCatalog()
        #expect(try c.admit(Event(entity: "caf\u{E9}", key: ["id": .int(1)], op: .delete)))
        #expect(try !c.admit(Event(entity: "caf\u{E9}", key: ["id": .int(2)], op: .delete)))
        #expect(throws: KeyRefusal.self) { try c.admit(Event(entity: "cafe\u{301}", key: ["id": .int(1)], op: .delete)) }
        #expect(throws: KeyRefusal.self) { try c.admit(Event(entity: "CAF\u{E9}", key: ["id": .int(1)], op: .delete)) }
        #expect(throws: KeyRefusal.self) { try c.admit(Event(entity: "CAF\u{E9}", key: Row(), op: .truncate)) }
        #expect(throws: KeyRefusal.self) { try c.admit(Event(entity: "caf\u{E9}", key: ["id": .double(1)], op: .delete)) }
        #expect(throws: KeyRefusal.self) { try c.admit(Event(entity: "n", key: ["x": .double(-0.0)], op: .delete)) }
        #expect(throws: KeyRefusal.self) { try c.admit(Event(entity: "n", key: ["x": .double(.nan)], op: .delete)) }
        #expect(c.keys == [EntityKey(entity: "caf\u{E9}", columns: ["id"], kinds: [.int])])
        // "café" in NFD is a different entity to a store, but not a different one to a person: one spelling only.
        #expect(c.key(of: "cafe\u{301}") == nil)
    }
}
