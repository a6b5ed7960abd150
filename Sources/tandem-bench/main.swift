import Foundation

/// `tandem-bench NAME`: release-build benchmarks; each prints a table and then JSON lines.
let benches: [String: () throws -> Void] = [
    "journal": JournalBench.run,
    "ingest": IngestBench.run,
]

let args = Array(CommandLine.arguments.dropFirst())
guard let name = args.first, let bench = benches[name] else {
    FileHandle.standardError.write(Data("usage: tandem-bench \(benches.keys.sorted().joined(separator: "|"))\n".utf8))
    exit(64)
}
do {
    try bench()
} catch {
    FileHandle.standardError.write(Data("tandem-bench \(name): \(error)\n".utf8))
    exit(1)
}
