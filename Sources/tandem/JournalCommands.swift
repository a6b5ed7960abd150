import Foundation
import TandemCore
import TandemJournal

/// `tandem journal …`: the operator's view of the append-only journal.
enum JournalCommands {
    static let group = VerbGroup(
        name: "journal", summary: "create, append to, read, check and cut a journal",
        verbs: [initVerb, appendVerb, inspectVerb, tailVerb, statsVerb, verifyVerb, truncateVerb, consumersVerb])

    static let initVerb = Verb(
        name: "init", summary: "create a journal in a new or empty directory", positionals: ["DIR"],
        options: [.value("--segment-size", "SIZE", "roll segments at this size: 67108864, 64MiB, 64 MiB, 8KB (default 64 MiB)")]
    ) { args in
        let dir = try args.positional(0, "DIR")
        let id = try Journal.create(at: dir, options: try options(args))
        Output.out("created journal \(dir) (id \(id.uuidString))\n")
        return 0
    }

    static let inspectVerb = Verb(
        name: "inspect", summary: "print events as JSON lines", positionals: ["DIR"],
        options: [.value("--from", "SEQ", "first seq to print (default: the journal's first)"),
                  .value("--to", "SEQ", "last seq to print (default: the last durable one)"),
                  .value("--entity", "E", "only events of this entity"),
                  .value("--tenant", "T", "only events of this tenant")]
    ) { args in
        let dir = try args.positional(0, "DIR")
        let reader = try JournalReader(directory: dir)
        if let from = try args.unsigned("--from") {
            let first = try Journal.manifest(at: dir).firstSeq
            try reader.seek(to: max(from, first))
        }
        let to = try args.unsigned("--to") ?? .max
        let filter = readingFilter(args)
        var line = [UInt8]()
        while reader.nextSeq <= to, let event = try reader.next() {
            guard filter.matches(event) else { continue }
            print(event, into: &line)
        }
        return 0
    }

    static let tailVerb = Verb(
        name: "tail", summary: "print the last events; -f keeps following new ones", positionals: ["DIR"],
        options: [.value("-n", "N", "how many of the last events to print first (default 10)"),
                  .flag("-f", "follow: wait for new durable events and print them as they come"),
                  .value("--entity", "E", "only events of this entity"),
                  .value("--tenant", "T", "only events of this tenant")]
    ) { args in
        let dir = try args.positional(0, "DIR")
        let count = try args.unsigned("-n") ?? 10
        let manifest = try Journal.manifest(at: dir)
        let last = try Journal.lastSeq(at: dir)
        let reader = try JournalReader(directory: dir)
        // Written without an addition that could overflow for a huge -n.
        let held = last >= manifest.firstSeq ? last - manifest.firstSeq + 1 : 0
        let start = held > count ? last - count + 1 : manifest.firstSeq
        try reader.seek(to: start)
        let filter = readingFilter(args)
        var line = [UInt8]()
        while let event = try reader.next() {
            if filter.matches(event) { print(event, into: &line) }
        }
        Output.flush()
        guard args.flag("-f") else { return 0 }
        while true {
            // Print what is durable now, then flush and wait: a person watching sees each event at once.
            let batch = try reader.next(max: 4096)
            for event in batch where filter.matches(event) { print(event, into: &line) }
            if batch.isEmpty {
                Output.flush()
                if let event = try reader.next(timeout: 1), filter.matches(event) { print(event, into: &line) }
            }
        }
    }

    /// Journal options from the shared flags (segment size) with operator logging on stderr.
    static func options(_ args: ParsedArguments) throws -> JournalOptions {
        var o = JournalOptions()
        if let size = try args.byteSize("--segment-size", in: 4096...(1 << 40)) { o.segmentSize = size }
        return o
    }

    /// The `--entity E` / `--tenant T` filter of the reading verbs (one value each).
    static func readingFilter(_ args: ParsedArguments) -> EventFilter {
        EventFilter(entities: args.value("--entity").map { [$0] } ?? [], tenants: args.value("--tenant").map { [$0] } ?? [])
    }

    static func print(_ event: Event, into line: inout [UInt8]) {
        line.removeAll(keepingCapacity: true)
        EventJSON.encode(event, into: &line)
        line.append(10)
        Output.out(bytes: line)
    }
}
