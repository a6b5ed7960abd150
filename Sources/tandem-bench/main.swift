import Foundation

/// `tandem-bench NAME`: release-build benchmarks; each prints a table and then JSON lines.
let benches: [String: () throws -> Void] = [
    "journal": JournalBench.run,
    "ingest": IngestBench.run,
    "replay": ReplayBench.run,
    "snapshot": SnapshotBench.run,
    "audit": AuditBench.run,
    "pipeline": PipelineBench.run,
    "rollback": RollbackBench.run,
    "verify": VerifyBench.run,
    "cutover": CutoverBench.run,
]
/// Child processes of the benchmarks (they take arguments).
let children: [String: ([String]) throws -> Void] = [
    "journal-fill": JournalBench.fill,
    "journal-read": JournalBench.read,
    "snapshot-child": SnapshotBench.child,
    "snapshot-replay": SnapshotBench.replayChild,
    "audit-child": AuditBench.child,
    "verify-child": VerifyBench.child,
    "decode-loop": { _ in print(try JournalBench.decodeRate(JournalBench.pool.map(JournalBench.frame))) },
    // Append CPU cost: groups of 256 into DIR (on tmpfs, fdatasync is nearly free).
    "append-loop": { args in
        try? FileManager.default.removeItem(atPath: args[0])
        defer { try? FileManager.default.removeItem(atPath: args[0]) }
        print(try JournalBench.appendRate(directory: args[0], group: 256, count: 400_000))
    },
]

let args = Array(CommandLine.arguments.dropFirst())
if let name = args.first, let child = children[name] {
    do { try child(Array(args.dropFirst())) } catch {
        FileHandle.standardError.write(Data("tandem-bench \(name): \(error)\n".utf8)); exit(1)
    }
    exit(0)
}
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
