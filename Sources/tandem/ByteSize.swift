/// Sizes as the help writes them: `67108864`, `64KiB`, `64 MiB`, `8KB`. IEC units (KiB, MiB, GiB, TiB) are
/// powers of 1024, SI units (KB or kB, MB, GB, TB) powers of 1000, as their names say; `B` is bytes.
enum ByteSize {
    static let units: [(String, Int)] = [("b", 1), ("kb", 1000), ("kib", 1 << 10), ("mb", 1_000_000), ("mib", 1 << 20),
                                         ("gb", 1_000_000_000), ("gib", 1 << 30), ("tb", 1_000_000_000_000), ("tib", 1 << 40)]

    /// The number of bytes `text` names, or nil when it is not a whole number with an optional unit.
    static func parse(_ text: String) -> Int? {
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let n = Int(digits) else { return nil }
        let unit = text.dropFirst(digits.count).drop { $0 == " " }.lowercased()
        guard let factor = unit.isEmpty ? 1 : units.first(where: { $0.0 == unit })?.1 else { return nil }
        let (bytes, overflow) = n.multipliedReportingOverflow(by: factor)
        return overflow ? nil : bytes
    }

    /// `4096` as `4 KiB`, `67108864` as `64 MiB`: the largest IEC unit that divides it, else bytes.
    static func text(_ bytes: Int) -> String {
        for (name, factor) in [("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)]
        where bytes >= factor && bytes % factor == 0 {
            return "\(bytes / factor) \(name)"
        }
        return "\(bytes) bytes"
    }
}

extension ParsedArguments {
    /// The value of `--name` as a size in bytes within `range`, or a usage error naming the option, the forms
    /// it takes and the bounds.
    func byteSize(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = value(name) else { return nil }
        guard let bytes = ByteSize.parse(text) else {
            throw UsageError("\(verbPath): \(name) takes a size such as 67108864, 64 MiB, 64MiB or 8KB (KB = 1000 bytes,"
                             + " KiB = 1024), not '\(text)'")
        }
        let shown = "\(text) (\(bytes) bytes)"
        if bytes < range.lowerBound {
            throw UsageError("\(verbPath): \(name) must be at least \(ByteSize.text(range.lowerBound)) (\(range.lowerBound) bytes),"
                             + " not \(shown)")
        }
        if bytes > range.upperBound {
            throw UsageError("\(verbPath): \(name) must be at most \(ByteSize.text(range.upperBound)), not \(shown)")
        }
        return bytes
    }
}
