/// Sizes as the help and the daemon's config write them: `67108864`, `64KiB`, `64 MiB`, `8KB`. IEC units
/// (KiB, MiB, GiB, TiB) are powers of 1024, SI units (KB or kB, MB, GB, TB) powers of 1000, as their names
/// say; `B` is bytes.
public enum ByteSize {
    /// Unit names (lower case) and their factors.
    public static let units: [(String, Int)] = [("b", 1), ("kb", 1000), ("kib", 1 << 10), ("mb", 1_000_000), ("mib", 1 << 20),
                                         ("gb", 1_000_000_000), ("gib", 1 << 30), ("tb", 1_000_000_000_000), ("tib", 1 << 40)]

    /// The number of bytes `text` names, or nil when it is not a whole number with an optional unit.
    public static func parse(_ text: String) -> Int? {
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let n = Int(digits) else { return nil }
        let unit = text.dropFirst(digits.count).drop { $0 == " " }.lowercased()
        guard let factor = unit.isEmpty ? 1 : units.first(where: { $0.0 == unit })?.1 else { return nil }
        let (bytes, overflow) = n.multipliedReportingOverflow(by: factor)
        return overflow ? nil : bytes
    }

    /// `4096` as `4 KiB`, `67108864` as `64 MiB`: the largest IEC unit that divides it, else bytes.
    public static func text(_ bytes: Int) -> String {
        for (name, factor) in [("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)]
        where bytes >= factor && bytes % factor == 0 {
            return "\(bytes / factor) \(name)"
        }
        return "\(bytes) bytes"
    }
}
