import TandemCore
import XCTest

/// Promise (issue 8, finding 16): human-readable output never carries a raw control character.
final class TerminalTextTests: XCTestCase {
    func testEveryControlCharacterIsWrittenAsAVisibleEscape() {
        XCTAssertEqual(TerminalText.escaped("plain text, ünïcödé ✓"), "plain text, ünïcödé ✓")
        XCTAssertEqual(TerminalText.escaped("\u{1b}]0;title\u{07}"), #"\x1b]0;title\x07"#)
        XCTAssertEqual(TerminalText.escaped("a\tb\nc\rd\u{0}e\u{7f}"), #"a\tb\nc\rd\x00e\x7f"#)
        XCTAssertEqual(TerminalText.escaped("\u{9b}31m\u{85}"), #"\u{9b}31m\u{85}"#)
        XCTAssertEqual(TerminalText.escaped("user\u{202e}gnp.exe"), #"user\u{202e}gnp.exe"#)
        for v in UInt32(0)...0x9F where v < 0x20 || v >= 0x7F {
            let s = TerminalText.escaped(String(Unicode.Scalar(v)!))
            XCTAssertFalse(s.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }, "\(v)")
        }
    }
}
