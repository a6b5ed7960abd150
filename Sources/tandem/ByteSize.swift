import TandemCore

// The parser itself lives in TandemCore (ByteSize.swift) so the CLI and the daemon's config read sizes alike.
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
