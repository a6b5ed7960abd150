/// Text that is safe to write to a terminal.
///
/// Legacy input reaches human-readable output (quarantine entries, error lines quoting a bad line, log
/// lines); raw ESC/OSC/CSI sequences in it could retitle the terminal, clear it, forge lines or worse.
public enum TerminalText {
    /// `text` with every control character written as a visible escape: C0 controls and DEL as `\xNN`
    /// (tab, newline and carriage return as `\t`, `\n`, `\r`), C1 controls and bidirectional overrides as
    /// `\u{NN}`. Everything else is unchanged; text without controls is returned as is.
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            guard needsEscape(s) else { out.append(s); continue }
            let visible: String
            switch s.value {
            case 0x09: visible = "\\t"
            case 0x0A: visible = "\\n"
            case 0x0D: visible = "\\r"
            case 0x00...0x1F, 0x7F: visible = "\\x" + hex(s.value, width: 2)
            default: visible = "\\u{" + hex(s.value, width: 2) + "}"
            }
            out.append(contentsOf: visible.unicodeScalars)
        }
        return String(out)
    }

    private static func needsEscape(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x202A...0x202E, 0x2066...0x2069: return true  // bidi embeddings, overrides and isolates
        default: return false
        }
    }

    private static func hex(_ v: UInt32, width: Int) -> String {
        let digits = String(v, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
