import TandemCore
#if canImport(Glibc)
import Glibc
#endif

extension FileTailer {
    /// Positions the tailer strictly after `text` (a `FilePosition`), or at the very beginning when nil:
    /// the rotated files (oldest first), then the live path.
    ///
    /// The file is the one at the live path or among the rotated files whose first bytes (fingerprint), length
    /// and bytes before the offset (tail) match the position. When the live file is the position's file but
    /// was rewritten in place while nobody read it (copy-truncate: shorter, or other bytes before the offset),
    /// one log line says so and its new content is read from offset 0, after the rotated copy when there is one.
    /// - Throws: `SourceError.positionNotFound` when no file matches and the live file is another file;
    ///   `SourceError.badPosition` for a foreign position.
    func start(after text: String?) throws {
        let rotated = rotatedFiles(settings.rotatedGlob)
        guard let text else {
            queue = rotated.map(\.path)
            if !queue.isEmpty { try open(path: queue.removeFirst(), at: 0) } else { _ = try openLiveIfNeeded() }
            return
        }
        guard let pos = FilePosition(text) else { throw SourceError.badPosition(position: text, source: "jsonl:\(settings.path)") }
        // Search the live path and rotated files (the configured glob, else `<path>.*`) for the file.
        let candidates = [settings.path] + rotatedFiles(settings.rotatedGlob ?? settings.path + ".*").map(\.path)
        var best: (path: String, sameInode: Bool)?
        var liveRewritten: String?
        for c in candidates {
            let f = Glibc.open(c, O_RDONLY | O_CLOEXEC)
            guard f >= 0 else { continue }
            defer { close(f) }
            guard let st = POSIXFile.stat(fd: f) else { continue }
            let same = st.dev == pos.device && st.ino == pos.inode
            let whole = st.size >= pos.offset && POSIXFile.fingerprint(fd: f, length: pos.fingerprintLength) == pos.fingerprint
            guard whole, pos.tail.map({ POSIXFile.tailMatches(fd: f, offset: pos.offset, tail: $0) }) ?? true else {
                if c == settings.path, same {
                    liveRewritten = st.size < pos.offset ? "it is \(st.size) bytes long, shorter than the resume offset \(pos.offset)"
                        : whole ? "the \(pos.tail!.length) bytes before the resume offset \(pos.offset) are not the last line journaled"
                        : "its first \(pos.fingerprintLength) bytes changed"
                }
                continue
            }
            if best == nil || (same && best?.sameInode == false) { best = (c, same) }
        }
        if let why = liveRewritten {
            let next = best.map { "finishing the rotated copy \($0.path) from offset \(pos.offset), then " } ?? ""
            settings.log("\(settings.path): was rewritten in place while ingest was stopped (copy-truncate?): \(why); \(next)reading its new content from the beginning (offset 0)")
        }
        guard let found = best else {
            if pos.offset == 0 || liveRewritten != nil { _ = try openLiveIfNeeded(); return }
            throw SourceError.positionNotFound(
                position: text, source: "jsonl:\(settings.path)",
                hint: "no file at the path or matching \(settings.rotatedGlob ?? settings.path + ".*") starts with the same bytes, has the same bytes before offset \(pos.offset) and is at least that long; hint: restore the rotated file, or set rotatedGlob to where rotated files go")
        }
        try open(path: found.path, at: pos.offset)
        lastTail = pos.tail
        if found.path != settings.path {
            // Resumed in a rotated file: read it to its end, then newer rotated files, then the live path.
            let mine = POSIXFile.stat(fd: fd)
            queue = rotated.filter { $0.path != found.path && $0.mtime >= (mine?.mtime ?? 0) && $0.ino != inode }.map(\.path)
            settings.log("\(settings.path): resuming in the rotated file \(found.path) at offset \(pos.offset), then \(queue.count) newer rotated file(s) and the live file")
        }
    }

    /// Regular files matching `glob`, oldest first by modification time, excluding the live file itself.
    func rotatedFiles(_ glob: String?) -> [(path: String, mtime: Int64, ino: UInt64)] {
        guard let glob else { return [] }
        let live = POSIXFile.stat(path: settings.path)
        var out: [(path: String, mtime: Int64, ino: UInt64)] = []
        for p in POSIXFile.glob(glob) where p != settings.path {
            guard let st = POSIXFile.stat(path: p) else { continue }
            if let live, live.dev == st.dev, live.ino == st.ino { continue }
            out.append((p, st.mtime, st.ino))
        }
        return out.sorted { $0.mtime != $1.mtime ? $0.mtime < $1.mtime : $0.path > $1.path }
    }
}
