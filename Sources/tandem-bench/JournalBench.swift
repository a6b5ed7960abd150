import Foundation
import TandemCore
import TandemJournal

/// `tandem-bench journal`: durable append, sequential read, seek and memory, each beside a raw-disk ceiling.
///
/// The append figures reuse a pool of ~200-byte events so generating them is not measured. The
/// read, seek and memory figures run in child processes (`journal-fill`, `journal-read`) so that the
/// peak RSS they report belongs to the journal code alone, not to this process's event pools.
enum JournalBench {
    static let pool: [Event] = {
        var gen = SampleEvents(seed: 42)
        return (0..<65_536).map { gen.event($0) }
    }()

    static func run() throws {
        let scratch = ProcessInfo.processInfo.environment["TANDEM_BENCH_DIR"] ?? NSTemporaryDirectory()
        let dir = scratch + "/journal-bench"
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let records = pool.map(frame)
        let avg = Double(records.reduce(0) { $0 + $1.count }) / Double(records.count)
        let report = Report()
        report.header("journal: ~\(Int(avg))-byte records, durable (fdatasync) appends")
        // (figure, events per group, events measured)
        let runs: [(String, Int, Int)] = [("append_g1", 1, 4_000), ("append_g16", 16, 40_000),
                                          ("append_g256", 256, 400_000), ("append_batched", 65_536, 2_000_000)]
        var batchedRate = 0.0
        for (figure, group, count) in runs {
            let ceiling = try RawDisk.appendRate(records: cycle(records, count), group: group, path: dir + "/raw")
            let rate = try appendRate(directory: dir + "/\(figure)", group: group, count: count)
            if figure == "append_batched" { batchedRate = rate }
            report.add(Figure(bench: "journal", figure: figure, value: rate, unit: "events/s", ceiling: ceiling))
            try? FileManager.default.removeItem(atPath: dir + "/\(figure)")
        }
        report.add(Figure(bench: "journal", figure: "append_mb_s", value: batchedRate * avg / 1e6, unit: "MB/s",
                          ceiling: nil))
        // 10 M events for read and seek, written by a child that generates them on the fly.
        let big = dir + "/big"
        let events = Int(ProcessInfo.processInfo.environment["TANDEM_BENCH_EVENTS"] ?? "") ?? 10_000_000
        let fill = try child(["journal-fill", big, String(events)])
        let read = try child(["journal-read", big])
        report.add(Figure(bench: "journal", figure: "read_seq", value: read["read_seq"]!, unit: "events/s",
                          ceiling: try decodeRate(records)))
        report.add(Figure(bench: "journal", figure: "seek_ms", value: read["seek_ms"]!, unit: "ms",
                          ceiling: read["seek_raw_ms"]!, lowerIsBetter: true))
        report.add(Figure(bench: "journal", figure: "rss_mib", value: max(fill["rss_mib"]!, read["rss_mib"]!),
                          unit: "MiB", ceiling: nil))
        report.note("peak RSS: writer \(Int(fill["rss_mib"]!)) MiB, reader \(Int(read["rss_mib"]!)) MiB.")
        report.note("ceilings: append = write + fdatasync of the same framed bytes, one write per group;")
        report.note("read = decoding the same records from memory (CRC check + EventBinaryCodec.decode);")
        report.note("seek = one 256-byte pread at a random offset of the same segment files.")
        report.note("read, seek and rss on a journal of \(events) events; rss = peak of the writer and reader processes.")
        report.finish()
    }

    /// Events/s appending `count` pooled events in groups of `group`, each acknowledged after fdatasync.
    static func appendRate(directory: String, group: Int, count: Int) throws -> Double {
        try Journal.create(at: directory)
        let writer = try JournalWriter(directory: directory)
        defer { writer.close() }
        let batches = stride(from: 0, to: count, by: group).map { start in
            (start..<min(start + group, count)).map { pool[$0 % pool.count] }
        }
        let t0 = now()
        for b in batches { try writer.append(b) }
        return Double(count) / (now() - t0)
    }

    /// Events/s of checking and decoding framed records already in memory: what a reader cannot beat.
    static func decodeRate(_ records: [[UInt8]]) throws -> Double {
        var n = 0
        var decoder = EventBinaryDecoder()
        let t0 = now()
        for _ in 0..<8 {
            for r in records {
                try r.withUnsafeBytes { raw in
                    let payload = UnsafeRawBufferPointer(rebasing: raw[8...])
                    guard CRC32C.checksum(payload) == raw.loadUnaligned(fromByteOffset: 4, as: UInt32.self) else {
                        throw RawDisk.Failure(description: "CRC mismatch in the decode ceiling")
                    }
                    _ = try decoder.decode(payload)
                }
                n += 1
            }
        }
        return Double(n) / (now() - t0)
    }

    /// The journal's record framing of one event, for the raw-disk ceiling.
    static func frame(_ e: Event) -> [UInt8] {
        let payload = EventBinaryCodec.encode(e)
        var w = ByteWriter(capacity: payload.count + 8)
        w.u32(UInt32(payload.count))
        w.u32(CRC32C.checksum(payload))
        w.bytes.append(contentsOf: payload)
        return w.bytes
    }

    static func cycle(_ records: [[UInt8]], _ count: Int) -> [[UInt8]] {
        (0..<count).map { records[$0 % records.count] }
    }

    /// Runs this executable with `args` and reads the `name=value` lines it prints.
    static func child(_ args: [String]) throws -> [String: Double] {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        p.arguments = args
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw RawDisk.Failure(description: "\(args[0]) failed") }
        var values: [String: Double] = [:]
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let kv = line.split(separator: "=")
            if kv.count == 2, let v = Double(kv[1]) { values[String(kv[0])] = v }
        }
        return values
    }

    /// Child: appends `count` generated events in groups of 8,192; prints its peak RSS.
    static func fill(_ args: [String]) throws {
        let dir = args[0], count = Int(args[1])!
        try Journal.create(at: dir)
        let writer = try JournalWriter(directory: dir)
        var gen = SampleEvents(seed: 7)
        var batch: [Event] = []
        batch.reserveCapacity(8_192)
        for i in 0..<count {
            batch.append(gen.event(i))
            if batch.count == 8_192 { try writer.append(batch); batch.removeAll(keepingCapacity: true) }
        }
        try writer.append(batch)
        writer.close()
        print("rss_mib=\(peakRSSMiB())")
    }

    /// Child: reads every event in order, then seeks to 1,000 random seqs; prints rates and peak RSS.
    static func read(_ args: [String]) throws {
        let dir = args[0]
        let reader = try JournalReader(directory: dir)
        var n = 0
        let t0 = now()
        while try reader.next() != nil { n += 1 }
        print("read_seq=\(Double(n) / (now() - t0))")
        var gen = SampleEvents(seed: 99)
        let seeks = 1_000
        let t1 = now()
        for _ in 0..<seeks {
            let seq = 1 + gen.next() % UInt64(n)
            try reader.seek(to: seq)
            guard let e = try reader.next(), e.seq == seq else { throw RawDisk.Failure(description: "seek to \(seq) failed") }
        }
        print("seek_ms=\((now() - t1) * 1000 / Double(seeks))")
        print("seek_raw_ms=\(try RawDisk.preadLatencyMs(directory: dir, count: seeks))")
        print("rss_mib=\(peakRSSMiB())")
    }
}
