import Foundation
import TandemCore
import TandemJournal

/// An in-memory file system that can lose power and fail on purpose (the way SQLite's crash tests
/// and LazyFS do), for the journal's durability tests.
///
/// Every file keeps what is durable apart from what was written since its last sync; every
/// directory keeps its durable entries apart from the creates, renames and removes since its last
/// sync. `powerLoss` keeps, drops or tears (whole 512-byte sectors) each unsynced write at random,
/// sometimes leaves the file extended with zeros, and keeps a random prefix of each directory's
/// unsynced entry changes. `fail` makes the n-th write, sync or rename fail with an errno.
///
/// `@unchecked Sendable`: every member is guarded by `lock`.
public final class SimulatedFileSystem: JournalFileSystem, @unchecked Sendable {
    public enum FaultKind: Hashable { case write, sync, rename }

    public final class Inode {
        var current: [UInt8] = []
        var durable: [UInt8] = []
        var pending: [Pending] = []
    }

    public enum Pending { case write(Int, [UInt8]), truncate(Int) }
    public enum DirOp { case link(String, Inode), unlink(String), rename(String, String, Inode) }

    public final class Directory {
        var current: [String: Inode] = [:]
        var durable: [String: Inode] = [:]
        var pending: [DirOp] = []
    }

    public let lock = NSRecursiveLock()
    private var directories: [String: Directory] = [:]
    private var locks: Set<String> = []
    private var counters: [FaultKind: Int] = [:]
    private var faults: [FaultKind: (n: Int, errno: Int32)] = [:]
    private var persistentFaults: [FaultKind: Int32] = [:]
    /// Bumped at power loss: handles from before then fail.
    public private(set) var generation = 0
    /// Mutating operations so far (writes, syncs, renames, removes, truncates).
    public private(set) var operations = 0
    /// When set, power is lost just before the operation with this number.
    public var powerLossAtOperation: Int?
    /// With `powerLossAtOperation`: wait for the next sync, so unsynced writes are in flight.
    public var powerLossAtSyncOnly = false
    private var rng: SplitMix64
    /// True once a scheduled power loss has happened.
    public private(set) var lostPower = false

    public init(seed: UInt64 = 1) { rng = SplitMix64(seed: seed) }

    // MARK: Test controls

    /// Makes the n-th (from now) operation of `kind` fail with `errno`.
    public func fail(_ kind: FaultKind, nth n: Int, errno: Int32) {
        lock.lock(); defer { lock.unlock() }
        faults[kind] = (n + (counters[kind] ?? 0), errno)
    }

    /// Makes every operation of `kind` from now on fail with `errno` until `clearFaults` (a full disk:
    /// `failAll(.write, errno: ENOSPC)`; truncations, removes and reads still work, as on a real one).
    public func failAll(_ kind: FaultKind, errno: Int32) {
        lock.lock(); defer { lock.unlock() }
        persistentFaults[kind] = errno
    }

    /// The file system's size in bytes (nil: unlimited): a write that would grow the files beyond it writes
    /// what fits and fails with ENOSPC. `usedBytes() + n` leaves room for n more bytes.
    public var capacity: Int? {
        get { lock.lock(); defer { lock.unlock() }; return storedCapacity }
        set { lock.lock(); storedCapacity = newValue; lock.unlock() }
    }
    private var storedCapacity: Int?

    /// Bytes the files of every directory hold now.
    public func usedBytes() -> Int {
        lock.lock(); defer { lock.unlock() }
        var seen = Set<ObjectIdentifier>(), total = 0
        for dir in directories.values {
            for inode in dir.current.values where seen.insert(ObjectIdentifier(inode)).inserted { total += inode.current.count }
        }
        return total
    }

    /// Stops injecting faults.
    public func clearFaults() { lock.lock(); faults = [:]; persistentFaults = [:]; lock.unlock() }

    /// Operations of a kind so far.
    public func count(_ kind: FaultKind) -> Int { lock.lock(); defer { lock.unlock() }; return counters[kind] ?? 0 }

    /// Cuts the power: unsynced data and directory changes are kept, dropped or torn at random.
    public func powerLoss() {
        lock.lock(); defer { lock.unlock() }
        var seen = Set<ObjectIdentifier>()
        for dir in directories.values {
            for inode in Array(dir.current.values) + Array(dir.durable.values)
            where seen.insert(ObjectIdentifier(inode)).inserted {
                settle(inode)
            }
            let keep = rng.below(dir.pending.count + 1)
            for op in dir.pending.prefix(keep) {
                switch op {
                case let .link(name, inode): dir.durable[name] = inode
                case let .unlink(name): dir.durable[name] = nil
                case let .rename(from, to, inode): dir.durable[from] = nil; dir.durable[to] = inode
                }
            }
            dir.pending = []
            dir.current = dir.durable
        }
        locks = []
        generation += 1
    }

    private func settle(_ inode: Inode) {
        var d = inode.durable
        var intendedEnd = d.count
        for op in inode.pending {
            switch op {
            case let .truncate(size):
                if rng.chance(70) { resize(&d, size) }
                intendedEnd = size
            case let .write(offset, bytes):
                intendedEnd = max(intendedEnd, offset + bytes.count)
                switch rng.below(4) {
                case 0: break
                case 1: put(&d, bytes[...], at: offset)
                default:
                    var s = offset
                    while s < offset + bytes.count {
                        let e = min((s / 512 + 1) * 512, offset + bytes.count)
                        if rng.chance(50) { put(&d, bytes[(s - offset)..<(e - offset)], at: s) }
                        s = e
                    }
                }
            }
        }
        // The size may reach the disk without the data: a zeroed tail.
        if d.count < intendedEnd && rng.chance(25) { resize(&d, intendedEnd) }
        inode.durable = d
        inode.current = d
        inode.pending = []
    }

    private func resize(_ d: inout [UInt8], _ size: Int) {
        if size < d.count { d.removeSubrange(size...) } else { d.append(contentsOf: repeatElement(0, count: size - d.count)) }
    }

    private func put(_ d: inout [UInt8], _ bytes: ArraySlice<UInt8>, at offset: Int) {
        if d.count < offset + bytes.count { resize(&d, offset + bytes.count) }
        d.replaceSubrange(offset..<(offset + bytes.count), with: bytes)
    }

    // MARK: Internals used by files

    /// Counts an operation; loses power first when scheduled; throws the injected fault.
    public func step(_ kind: FaultKind?, path: String, name: String) throws {
        operations += 1
        if let at = powerLossAtOperation, operations >= at, lostPower || !powerLossAtSyncOnly || kind == .sync {
            if !lostPower { lostPower = true; powerLoss() }
            throw JournalError.io(operation: name, path: path, errno: EIO)
        }
        guard let kind else { return }
        let n = (counters[kind] ?? 0) + 1
        counters[kind] = n
        if let f = faults[kind], f.n == n { throw JournalError.io(operation: name, path: path, errno: f.errno) }
        if let code = persistentFaults[kind] { throw JournalError.io(operation: name, path: path, errno: code) }
    }

    public func write(_ inode: Inode, _ bytes: [UInt8], at offset: Int, path: String) throws {
        lock.lock(); defer { lock.unlock() }
        do {
            try step(.write, path: path, name: "write")
        } catch JournalError.io(let op, let p, let code) where !lostPower {
            // A failed write may still have written a prefix.
            let part = Array(bytes.prefix(rng.below(bytes.count + 1)))
            if !part.isEmpty { apply(inode, .write(offset, part)) }
            throw JournalError.io(operation: op, path: p, errno: code)
        }
        if let capacity {
            let used = usedBytes(), growth = max(0, offset + bytes.count - inode.current.count)
            if used + growth > capacity {
                // As a real file system does: what fits is written, then ENOSPC.
                let fits = max(0, inode.current.count + (capacity - used) - offset)
                if fits > 0 { apply(inode, .write(offset, Array(bytes.prefix(fits)))) }
                throw JournalError.io(operation: "write", path: path, errno: ENOSPC)
            }
        }
        apply(inode, .write(offset, bytes))
    }

    public func apply(_ inode: Inode, _ op: Pending) {
        switch op {
        case let .write(offset, bytes): put(&inode.current, bytes[...], at: offset)
        case let .truncate(size): resize(&inode.current, size)
        }
        inode.pending.append(op)
    }

    public func sync(_ inode: Inode, path: String, name: String) throws {
        lock.lock(); defer { lock.unlock() }
        try step(.sync, path: path, name: name)
        inode.durable = inode.current
        inode.pending = []
    }

    private func split(_ path: String) -> (Directory?, String, String) {
        let ns = path as NSString
        let dir = ns.deletingLastPathComponent
        return (directories[dir], dir, ns.lastPathComponent)
    }

    // MARK: JournalFileSystem

    public func open(_ path: String, _ mode: FileOpenMode) throws -> any JournalFile {
        lock.lock(); defer { lock.unlock() }
        let (dirOrNil, _, name) = split(path)
        guard let dir = dirOrNil else { throw JournalError.io(operation: "open", path: path, errno: ENOENT) }
        if let inode = dir.current[name] {
            if mode == .createTruncate {
                try step(nil, path: path, name: "open")
                apply(inode, .truncate(0))
            }
            return SimulatedFile(fs: self, inode: inode, path: path, generation: generation, writable: mode != .read)
        }
        guard mode == .createOrOpen || mode == .createTruncate else {
            throw JournalError.io(operation: "open", path: path, errno: ENOENT)
        }
        try step(nil, path: path, name: "open")
        let inode = Inode()
        dir.current[name] = inode
        dir.pending.append(.link(name, inode))
        return SimulatedFile(fs: self, inode: inode, path: path, generation: generation, writable: true)
    }

    public func rename(_ from: String, to: String) throws {
        lock.lock(); defer { lock.unlock() }
        try step(.rename, path: from, name: "rename")
        let (dirOrNil, _, a) = split(from)
        let (_, _, b) = split(to)
        guard let dir = dirOrNil, let inode = dir.current[a] else {
            throw JournalError.io(operation: "rename", path: from, errno: ENOENT)
        }
        dir.current[a] = nil
        dir.current[b] = inode
        dir.pending.append(.rename(a, b, inode))
    }

    public func remove(_ path: String) throws {
        lock.lock(); defer { lock.unlock() }
        try step(nil, path: path, name: "unlink")
        let (dirOrNil, _, name) = split(path)
        guard let dir = dirOrNil, dir.current[name] != nil else {
            throw JournalError.io(operation: "unlink", path: path, errno: ENOENT)
        }
        dir.current[name] = nil
        dir.pending.append(.unlink(name))
    }

    public func syncDirectory(_ path: String) throws {
        lock.lock(); defer { lock.unlock() }
        try step(.sync, path: path, name: "fsync")
        // Directories above the journal's are not modelled: syncing them always succeeds.
        guard let dir = directories[path] else { return }
        dir.durable = dir.current
        dir.pending = []
    }

    public func contentsOfDirectory(_ path: String) throws -> [String] {
        lock.lock(); defer { lock.unlock() }
        guard let dir = directories[path] else { throw JournalError.io(operation: "opendir", path: path, errno: ENOENT) }
        return Array(dir.current.keys)
    }

    public func exists(_ path: String) -> Bool {
        lock.lock(); defer { lock.unlock() }
        if directories[path] != nil { return true }
        let (dir, _, name) = split(path)
        return dir?.current[name] != nil
    }

    public func makeDirectory(_ path: String) throws {
        lock.lock(); defer { lock.unlock() }
        if directories[path] == nil { directories[path] = Directory() }
    }

    public func lockExclusive(_ path: String, journal: String) throws -> any JournalFileLock {
        lock.lock(); defer { lock.unlock() }
        if locks.contains(path) { throw JournalError.locked(path: journal, holderPID: getpid()) }
        locks.insert(path)
        return SimulatedLock(fs: self, path: path, generation: generation)
    }

    public func lockBlocking(_ path: String) throws -> any JournalFileLock {
        // Manifest updates in these tests come from one thread at a time.
        SimulatedLock(fs: nil, path: path, generation: generation)
    }

    public func lockHolder(_ path: String) -> Int32? {
        lock.lock(); defer { lock.unlock() }
        return locks.contains(path) ? getpid() : nil
    }

    public func release(_ path: String, generation g: Int) {
        lock.lock(); defer { lock.unlock() }
        if g == generation { locks.remove(path) }
    }
}

/// An open file of the simulated file system.
public final class SimulatedFile: JournalFile {
    public let fs: SimulatedFileSystem
    public let inode: SimulatedFileSystem.Inode
    public let path: String
    public let generation: Int
    public let writable: Bool
    private var closed = false

    public init(fs: SimulatedFileSystem, inode: SimulatedFileSystem.Inode, path: String, generation: Int, writable: Bool) {
        self.fs = fs; self.inode = inode; self.path = path; self.generation = generation; self.writable = writable
    }

    private func check(_ op: String) throws {
        if closed || fs.generation != generation { throw JournalError.io(operation: op, path: path, errno: EBADF) }
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws -> Int {
        fs.lock.lock(); defer { fs.lock.unlock() }
        try check("read")
        let start = Int(offset)
        guard start < inode.current.count else { return 0 }
        let n = min(buffer.count, inode.current.count - start)
        inode.current.withUnsafeBytes { src in
            buffer.baseAddress!.copyMemory(from: src.baseAddress! + start, byteCount: n)
        }
        return n
    }

    public func write(_ bytes: UnsafeRawBufferPointer, at offset: Int64) throws {
        fs.lock.lock(); defer { fs.lock.unlock() }
        try check("write")
        guard writable else { throw JournalError.io(operation: "write", path: path, errno: EBADF) }
        try fs.write(inode, Array(bytes), at: Int(offset), path: path)
    }

    public func dataSync() throws {
        fs.lock.lock(); defer { fs.lock.unlock() }
        try check("fdatasync")
        try fs.sync(inode, path: path, name: "fdatasync")
    }

    public func sync() throws {
        fs.lock.lock(); defer { fs.lock.unlock() }
        try check("fsync")
        try fs.sync(inode, path: path, name: "fsync")
    }

    public func truncate(to size: Int64) throws {
        fs.lock.lock(); defer { fs.lock.unlock() }
        try check("ftruncate")
        try fs.step(nil, path: path, name: "ftruncate")
        fs.apply(inode, .truncate(Int(size)))
    }

    public func size() throws -> Int64 {
        fs.lock.lock(); defer { fs.lock.unlock() }
        try check("fstat")
        return Int64(inode.current.count)
    }

    public func close() { closed = true }
}

/// A lock of the simulated file system (released at power loss too).
public final class SimulatedLock: JournalFileLock {
    weak var fs: SimulatedFileSystem?
    public let path: String
    public let generation: Int
    public init(fs: SimulatedFileSystem?, path: String, generation: Int) { self.fs = fs; self.path = path; self.generation = generation }
    public func unlock() { fs?.release(path, generation: generation); fs = nil }
}
