import Foundation
import Synchronization
import TandemCore
@testable import TandemJournal
import TandemTesting
import XCTest

/// Promise (issue 11): a reader crossing segments while `truncate --before` unlinks segments beneath it keeps
/// reading when its next seq is still in the journal, fails naming the gap when it is not, and never takes the
/// truncation for damage (which would make every writer refuse).
final class ReaderTruncationRaceTests: XCTestCase {
    var dir = ""
    let options = JournalOptions(segmentSize: 2048, indexInterval: 256, logger: { _ in })
    var writer: JournalWriter!

    override func setUpWithError() throws {
        dir = try temporaryPath(self) + "/j"
        try Journal.create(at: dir, options: options)
        writer = try JournalWriter(directory: dir, options: options)
        for start in stride(from: 1, through: 100, by: 5) { try writer.append((start..<(start + 5)).map { sampleEvent($0) }) }
    }

    override func tearDown() { writer?.close() }

    var segments: [UInt64] { get throws { try JournalFiles.segments(in: dir, fs: PosixFileSystem()) } }

    /// A reader that has crossed into the fourth segment (its segment list still names the first three).
    func readerInFourthSegment(_ reader: JournalReader) throws -> [Event] {
        let fourth = try segments[3]
        XCTAssertGreaterThan(try segments.count, 6, "the journal spans enough segments")
        var read: [Event] = []
        while reader.nextSeq <= fourth + 1, let e = try reader.next() { read.append(e) }
        return read
    }

    /// Reads to the end, then checks the events, that no damage was recorded and that the writer still appends.
    func assertReadsOnCleanly(_ reader: JournalReader, before: [Event], from first: Int,
                              file: StaticString = #filePath, line: UInt = #line) throws {
        var read = before
        while let e = try reader.next() { read.append(e) }
        XCTAssertEqual(read.map(\.seq), (first...100).map(UInt64.init), file: file, line: line)
        XCTAssertEqual(read, (first...100).map { journaled($0) }, file: file, line: line)
        XCTAssertNil(try Journal.manifest(at: dir).damage, file: file, line: line)
        XCTAssertEqual(try writer.append(sampleEvent(101)), 101, file: file, line: line)
        XCTAssertEqual(try reader.next(), journaled(101), file: file, line: line)
    }

    /// The daemon's interleaving: a sink's reader is a few segments ahead of what every sink applied, and the
    /// truncation drops whole segments behind it (here: before the base of the reader's own segment).
    func testTruncatingAtTheReadersSegmentBaseKeepsItReading() throws {
        let reader = try writer.makeReader()
        let read = try readerInFourthSegment(reader)
        let cut = try segments[3]
        try writer.truncate(before: cut)
        try assertReadsOnCleanly(reader, before: read.filter { $0.seq >= cut }, from: Int(cut))
    }

    /// The truncation rewrites an older segment and drops those before it: fewer segments lie behind the reader.
    func testTruncatingInsideAnOlderSegmentKeepsItReading() throws {
        let reader = try JournalReader(directory: dir, options: options)
        let read = try readerInFourthSegment(reader)
        let cut = try segments[2] + 1
        try writer.truncate(before: cut)
        try assertReadsOnCleanly(reader, before: read.filter { $0.seq >= cut }, from: Int(cut))
    }

    /// The truncation rewrites the reader's own segment at the reader's next seq.
    func testTruncatingAtTheReadersNextSeqKeepsItReading() throws {
        let reader = try writer.makeReader()
        let read = try readerInFourthSegment(reader)
        try writer.truncate(before: reader.nextSeq)
        try assertReadsOnCleanly(reader, before: read.filter { $0.seq >= reader.nextSeq }, from: Int(read.last!.seq) + 1)
    }

    /// A reader that is no consumer may be overtaken: the seqs it still needed are gone, and the error names them.
    func testTruncatingPastTheReaderNamesTheGapAndRecordsNoDamage() throws {
        let reader = try writer.makeReader()
        _ = try readerInFourthSegment(reader)
        let next = reader.nextSeq
        let cut = try segments[6] + 1
        try writer.truncate(before: cut)
        // What its open segment still holds it may serve; then it stops, naming what it missed.
        var read: [Event] = []
        XCTAssertThrowsError(try { while let e = try reader.next() { read.append(e) } }()) { error in
            XCTAssertEqual("\(error)", "journal \(self.dir) was truncated before seq \(cut) beneath a reader that had"
                           + " read up to seq \(reader.nextSeq - 1): seqs \(reader.nextSeq)…\(cut - 1) are gone and it"
                           + " cannot continue (hint: start it again from seq \(cut), or restore the journal from a backup)")
            XCTAssertEqual((error as? JournalError)?.category, .noInput)
        }
        XCTAssertEqual(read, (Int(next)..<Int(reader.nextSeq)).map { journaled($0) })
        XCTAssertLessThan(reader.nextSeq, cut)
        XCTAssertNil(try Journal.manifest(at: dir).damage)
        XCTAssertEqual(try writer.append(sampleEvent(101)), 101)
    }

    /// A reader opened in a truncation's window — `firstSeq` committed in the manifest, the rewritten
    /// `<firstSeq>.seg` not yet renamed into place — reads the old segment that still holds those seqs.
    func testAReaderOpenedBeforeTheRewrittenSegmentTakesItsNameReadsTheOldOne() throws {
        let cut = try segments[2] + 1
        try ManifestStore(directory: dir, fs: PosixFileSystem()).update { $0.firstSeq = cut }
        let reader = try writer.makeReader()
        var read: [Event] = []
        while let e = try reader.next() { read.append(e) }
        XCTAssertEqual(read, (Int(cut)...100).map { journaled($0) })
        XCTAssertNil(try Journal.manifest(at: dir).damage)
    }

    /// A reader opening while a truncation unlinks the first segment between its listing and its open starts at
    /// the journal's new first seq.
    func testAReaderOpeningWhileTheFirstSegmentIsUnlinkedStartsAtTheNewFirstSeq() throws {
        let cut = try segments[3]
        let fs = ListingHookFileSystem()
        let writer = self.writer!
        fs.afterNextListing { _ = try! writer.truncate(before: cut) }
        let reader = try JournalReader(directory: dir, options: JournalOptions(segmentSize: 2048, indexInterval: 256,
                                                                              fileSystem: fs, logger: { _ in }))
        XCTAssertEqual(reader.nextSeq, cut)
        var read: [Event] = []
        while let e = try reader.next() { read.append(e) }
        XCTAssertEqual(read, (Int(cut)...100).map { journaled($0) })
        XCTAssertNil(try Journal.manifest(at: dir).damage)
    }
}

/// The real file system, running a hook once right after a directory listing: the truncation lands between a
/// reader's listing and its open, deterministically.
final class ListingHookFileSystem: JournalFileSystem {
    private let real = PosixFileSystem()
    private let hook = Mutex<(() -> Void)?>(nil)

    func afterNextListing(_ run: @escaping @Sendable () -> Void) { hook.withLock { $0 = run } }

    func contentsOfDirectory(_ path: String) throws -> [String] {
        let names = try real.contentsOfDirectory(path)
        if let run = hook.withLock({ h in defer { h = nil }; return h }) { run() }
        return names
    }
    func open(_ path: String, _ mode: FileOpenMode) throws -> any JournalFile { try real.open(path, mode) }
    func rename(_ from: String, to: String) throws { try real.rename(from, to: to) }
    func remove(_ path: String) throws { try real.remove(path) }
    func syncDirectory(_ path: String) throws { try real.syncDirectory(path) }
    func exists(_ path: String) -> Bool { real.exists(path) }
    func makeDirectory(_ path: String) throws { try real.makeDirectory(path) }
    func lockExclusive(_ path: String, journal: String) throws -> any JournalFileLock { try real.lockExclusive(path, journal: journal) }
    func lockBlocking(_ path: String) throws -> any JournalFileLock { try real.lockBlocking(path) }
    func lockHolder(_ path: String) -> Int32? { real.lockHolder(path) }
}
