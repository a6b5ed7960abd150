import Testing
@testable import TandemCore

/// Base64 (RFC 4648 standard alphabet): test vectors, optional padding on input, typed errors.
@Suite struct Base64Tests {
    @Test(arguments: [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="),
                      ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy")])
    func rfc4648Vectors(plain: String, encoded: String) throws {
        #expect(Base64.encode(Array(plain.utf8)) == encoded)
        #expect(try Base64.decode(encoded) == Array(plain.utf8))
        let unpadded = String(encoded.prefix { $0 != "=" })
        #expect(try Base64.decode(unpadded) == Array(plain.utf8))
    }

    @Test func allByteValuesAndLengthsRoundTrip() throws {
        var rng = SplitMix64(seed: 64)
        #expect(Base64.encode([0xFB, 0xFF, 0xBF]) == "+/+/")
        for n in 0..<300 {
            let bytes = (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            let text = Base64.encode(bytes)
            #expect(text.utf8.count == Base64.encodedCount(n))
            #expect(try Base64.decode(text) == bytes)
        }
    }

    @Test(arguments: [
        ("Zm9v YmFy", "invalid base64 at byte 4: byte 0x20 is not a base64 character"),
        ("Zm9-", "invalid base64 at byte 3: '-' is not a base64 character"),
        ("Zm=v", "invalid base64 at byte 2: '=' before the end is not a base64 character"),
        ("Zm9vY", "invalid base64 at byte 4: length leaves a single character in the last group"),
        ("Zm8==", "invalid base64 at byte 3: padding does not complete a 4-character group"),
        ("Zg=", "invalid base64 at byte 2: padding does not complete a 4-character group"),
        ("Zm9vY\u{e9}==", "invalid base64 at byte 5: byte 0xc3 is not a base64 character"),
    ])
    func rejectsWithReason(text: String, message: String) {
        #expect(throws: Base64Error.self) { try Base64.decode(text) }
        do { _ = try Base64.decode(text) } catch { #expect(error.description == message) }
    }
}
