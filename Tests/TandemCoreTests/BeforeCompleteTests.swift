import Testing
@testable import TandemCore

/// Issue 10: the journal records whether a before-image is complete, and reads older payloads as before.
struct BeforeCompleteTests {
    let event = Event(seq: 7, entity: "t", key: ["id": .int(1)], op: .delete, before: ["id": .int(1), "v": .string("x")])

    /// Promise: the flag survives the binary codec and the JSON form; without it the payload is the v1
    /// layout byte for byte, so journals of older builds and of this one read alike.
    @Test func beforeCompleteIsJournaledAndOlderPayloadsStillRead() throws {
        var vouched = event
        vouched.beforeComplete = true
        #expect(try EventBinaryCodec.decode(EventBinaryCodec.encode(vouched)) == vouched)
        #expect(try EventBinaryCodec.decode(EventBinaryCodec.encode(event)) == event)
        let plain = EventBinaryCodec.encode(event)
        #expect(plain[1] & 0x80 == 0, "no second flags byte without the flag")
        #expect(EventBinaryCodec.encode(vouched) == Array(plain[0..<1]) + [plain[1] | 0x80] + Array(plain[2...]) + [1])

        let json = EventJSON.string(vouched)
        #expect(json.hasSuffix(#","beforeComplete":true}"#))
        #expect(try EventJSON.decode(Array(json.utf8), keepSeq: true) == vouched)
        #expect(!EventJSON.string(event).contains("beforeComplete"))
        let explicitFalse = #"{"entity":"t","key":{"id":1},"op":"delete","beforeComplete":false}"#
        #expect(try EventJSON.decode(Array(explicitFalse.utf8), keepSeq: true).beforeComplete == false)
    }

    /// Promise: an unknown bit in the second flags byte is damage, not silently dropped data.
    @Test func unknownSecondFlagsAreRefused() {
        var vouched = event
        vouched.beforeComplete = true
        var bytes = EventBinaryCodec.encode(vouched)
        bytes[bytes.count - 1] = 0x03
        #expect(throws: DecodeError.self) { try EventBinaryCodec.decode(bytes) }
    }
}
