import Foundation
import TandemCore

/// One journaled event set aside for one sink (`tandem sink park`): replay passes over it, and `sink unpark`
/// applies it later. It keeps the event itself, so it can be re-played after the journal was truncated.
public struct ParkedEvent: Sendable, Equatable {
    /// The event's journal seq.
    public var seq: UInt64
    /// The sink's name (its row in the store's `_tandem_checkpoint`).
    public var sink: String
    /// The store it was parked for (`EventSink.canonicalTarget`): another store of the same sink name does
    /// not pass over it.
    public var target: String
    /// Why it was parked (the store's refusal, or the operator's words).
    public var reason: String
    /// When, as RFC 3339 text (UTC).
    public var parkedAt: String
    /// The event, with its seq.
    public var event: Event

    /// A parked entry (`parkedAt` defaults to now).
    public init(event: Event, sink: String, target: String, reason: String, parkedAt: String? = nil) {
        self.seq = event.seq
        self.sink = sink
        self.target = target
        self.reason = reason
        self.parkedAt = parkedAt ?? nowRFC3339()
        self.event = event
    }

    /// The entry as one JSON object: seq, entity, key, op, reason, parkedAt, sink, target and the event in the
    /// journal's JSON form (`schemas/event.schema.json`, with its seq).
    public var json: [UInt8] {
        var out: [UInt8] = []
        out += Array(#"{"seq":\#(seq),"entity":"#.utf8)
        JSONValue.string(event.entity).write(into: &out)
        out += Array(#","key":"#.utf8)
        EventJSON.write(event.key, into: &out)
        out += Array(#","op":"#.utf8)
        JSONValue.string(event.op.rawValue).write(into: &out)
        for (name, text) in [("reason", reason), ("parkedAt", parkedAt), ("sink", sink), ("target", target)] {
            out += Array(",\"\(name)\":".utf8)
            JSONValue.string(text).write(into: &out)
        }
        out += Array(#","event":"#.utf8)
        EventJSON.encode(event, into: &out)
        out.append(UInt8(ascii: "}"))
        return out
    }
}

/// A sink's parked events, in `JOURNAL/parked/<sink>.jsonl` (owner-only, one JSON object a line, appended with
/// an fsync before `park` or `unpark` returns). Unparking appends `{"unparked":SEQ,"at":…}`, so the file is
/// the history; `entries()` gives what is parked now. A torn last line (a crash during an append, never
/// acknowledged) is ignored and cut at the next append.
public struct ParkedList: Sendable {
    /// The folder beside the journal's segments that holds every sink's list.
    public static let folder = "parked"
    /// The journal directory.
    public let journal: String
    /// The sink's name.
    public let sink: String
    private let options: JournalOptions
    private var fs: any JournalFileSystem { options.fileSystem }

    /// The parked list of sink `sink` of the journal in `journal` (nothing is read or created yet).
    public init(journal: String, sink: String, options: JournalOptions = JournalOptions()) {
        self.journal = journal
        self.sink = sink
        self.options = options
    }

    /// The list's file: the sink's name with every byte other than letters, digits, `-`, `_` and a
    /// non-leading `.` written as `%XX`, so any name is one safe file name.
    public var path: String {
        var name = ""
        for (i, b) in sink.utf8.enumerated() {
            let plain = (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
                || b == UInt8(ascii: "-") || b == UInt8(ascii: "_") || (b == UInt8(ascii: ".") && i > 0)
            name += plain ? String(UnicodeScalar(b)) : String(format: "%%%02X", b)
        }
        return journal + "/" + Self.folder + "/" + name + ".jsonl"
    }

    /// The entries parked now (parked and not unparked since), in the order they were parked.
    /// - Throws: `JournalError.io`, or `.parkedListDamaged` naming the file and line of an entry that does not parse.
    public func entries() throws -> [ParkedEvent] {
        var parked: [UInt64: ParkedEvent] = [:]
        var order: [UInt64] = []
        for (line, number) in try lines() {
            let value: JSONValue
            do { value = try JSONValue.parse(line) } catch {
                throw JournalError.parkedListDamaged(path: path, line: number, reason: "not JSON: \(error)")
            }
            if let seq = value["unparked"]?.int64 {
                parked[UInt64(seq)] = nil
                continue
            }
            let entry = try decode(value, line: number)
            if parked[entry.seq] == nil { order.append(entry.seq) }
            parked[entry.seq] = entry
        }
        return order.compactMap { parked[$0] }
    }

    /// The seqs parked now for the store `target` (what a replay of that store passes over).
    public func seqs(target: String) throws -> Set<UInt64> {
        Set(try entries().filter { $0.target == target }.map(\.seq))
    }

    /// A cheap marker that changes whenever the list does (its file's size; -1 when there is none): a
    /// stopped sink can poll it to notice an operator's `park`.
    public func version() -> Int64 {
        guard let file = try? fs.open(path, .read) else { return -1 }
        defer { file.close() }
        return (try? file.size()) ?? -1
    }

    /// Parks `entry` (durably). Parking a seq that is parked already keeps the first entry and returns it.
    @discardableResult
    public func park(_ entry: ParkedEvent) throws -> ParkedEvent {
        try withLock {
            if let held = try entries().first(where: { $0.seq == entry.seq }) { return held }
            try append(entry.json)
            return entry
        }
    }

    /// Removes `seq` from what is parked now (durably); false when it was not parked.
    @discardableResult
    public func unpark(seq: UInt64) throws -> Bool {
        try withLock {
            guard try entries().contains(where: { $0.seq == seq }) else { return false }
            var line: [UInt8] = Array(#"{"unparked":\#(seq),"at":"#.utf8)
            JSONValue.string(nowRFC3339()).write(into: &line)
            line.append(UInt8(ascii: "}"))
            try append(line)
            return true
        }
    }

    // MARK: the file

    private var folderPath: String { journal + "/" + Self.folder }

    /// Serializes `park` and `unpark` between processes (the daemon and an operator's command).
    private func withLock<T>(_ body: () throws -> T) throws -> T {
        if !fs.exists(folderPath) {
            try fs.makeDirectory(folderPath)
            // The folder's own entry must survive a power loss too.
            try fs.syncDirectory(journal)
        }
        let lock = try fs.lockBlocking(folderPath + "/.lock")
        defer { lock.unlock() }
        return try body()
    }

    /// Appends one line after cutting a torn last line, then fsyncs (and the folder when the file is new).
    private func append(_ line: [UInt8]) throws {
        let isNew = !fs.exists(path)
        let file = try fs.open(path, .createOrOpen)
        defer { file.close() }
        var size = try file.size()
        if size > 0, try file.readBytes(1, at: size - 1) != [10] {
            let bytes = try file.readBytes(Int(size), at: 0)
            size = Int64((bytes.lastIndex(of: 10) ?? -1) + 1)
            try file.truncate(to: size)
        }
        do {
            try file.write(line + [10], at: size)
            try file.sync()
        } catch let e as JournalError {
            // Nothing half-written stays (a full disk may have taken part of the line).
            try? file.truncate(to: size)
            try? file.sync()
            throw e.classifyingDiskFull()
        }
        if isNew { try fs.syncDirectory(folderPath) }
    }

    /// The file's whole lines with their numbers (none when there is no file).
    private func lines() throws -> [([UInt8], Int)] {
        guard fs.exists(path) else { return [] }
        let file = try fs.open(path, .read)
        defer { file.close() }
        let bytes = try file.readBytes(Int(try file.size()), at: 0)
        var out: [([UInt8], Int)] = []
        var start = 0, number = 0
        while let end = bytes[start...].firstIndex(of: 10) {
            number += 1
            if end > start { out.append((Array(bytes[start..<end]), number)) }
            start = end + 1
        }
        return out
    }

    private func decode(_ value: JSONValue, line: Int) throws -> ParkedEvent {
        func fault(_ reason: String) -> JournalError { .parkedListDamaged(path: path, line: line, reason: reason) }
        guard let seq = value["seq"]?.int64, seq > 0, let eventJSON = value["event"],
              let reason = value["reason"]?.string, let at = value["parkedAt"]?.string else {
            throw fault("a parked entry needs seq, reason, parkedAt and event")
        }
        var bytes: [UInt8] = []
        eventJSON.write(into: &bytes)
        var event: Event
        do { event = try EventJSON.decode(bytes, keepSeq: true) } catch { throw fault("its event does not parse: \(error)") }
        event.seq = UInt64(seq)
        return ParkedEvent(event: event, sink: value["sink"]?.string ?? sink, target: value["target"]?.string ?? "",
                           reason: reason, parkedAt: at)
    }
}
