import Foundation

/// Checks that the journal still reaches what it is known to have held, so that a lost newest segment is
/// refused (naming both seqs) instead of a writer reusing its seqs and consumers showing "lag 0".
///
/// What is known, without a manifest write per append: the last seq at the writer's last clean close or
/// truncation (`headSeq`), the newest segment the writer created (`lastSegmentBase`, written at each roll),
/// and each consumer's applied or reserved seq.
enum JournalHead {
    /// Throws `journalEndsEarly` when the segments (from firstSeq on) ending at `lastSeq` fall short.
    ///
    /// `tailMayBeTorn`: the last segment may end in a torn tail (or the caller cannot tell), which open
    /// cuts and logs as a repair: the recorded head does not count then (a missing segment still shows through
    /// `lastSegmentBase`). A consumer ahead of the journal always counts: a writer would use its seqs again.
    static func check(directory: String, manifest: Manifest, segments: [UInt64], lastSeq: UInt64,
                      tailMayBeTorn: Bool) throws {
        var short: [(seq: UInt64, evidence: HeadEvidence)] = []
        if let head = manifest.headSeq, head > lastSeq, !tailMayBeTorn {
            short.append((head, .recordedHead))
        }
        for c in manifest.consumers where c.mayHaveApplied > lastSeq { short.append((c.mayHaveApplied, .consumer(c.name))) }
        if let base = manifest.lastSegmentBase, base >= manifest.firstSeq, (segments.last ?? 0) < base {
            short.append((base, .createdSegment))
        }
        // The highest seq known is the one to name (the first of equals: the recorded head).
        guard let worst = short.max(by: { $0.seq < $1.seq }) else { return }
        throw JournalError.journalEndsEarly(directory: directory, lastSeq: lastSeq, expected: worst.seq,
                                            evidence: worst.evidence)
    }

    /// Records the newest segment at a roll (one manifest write per segment, not per append). A writer that
    /// has been running since before damage was recorded (by verify or a reader) stops here.
    static func recordSegment(_ base: UInt64, directory: String, fs: any JournalFileSystem) throws {
        try ManifestStore(directory: directory, fs: fs).update { m in
            if let d = m.damage { throw DamageRecord.refusal(d, directory: directory) }
            m.lastSegmentBase = base
        }
    }

    /// Records the last seq at a clean close.
    static func recordClose(_ seq: UInt64, directory: String, fs: any JournalFileSystem) throws {
        try ManifestStore(directory: directory, fs: fs).update { m in m.headSeq = seq }
    }

    /// A truncation after `seq` (at its commit point): the journal now ends there. A forced one also moves
    /// every consumer that had applied beyond it back to it (logged), since the writer will use those seqs again.
    static func truncated(after seq: UInt64, _ m: inout Manifest, directory: String, logger: JournalLogger) {
        m.headSeq = seq
        m.lastSegmentBase = nil
        for i in m.consumers.indices where m.consumers[i].mayHaveApplied > seq {
            let was = m.consumers[i].mayHaveApplied
            m.consumers[i].appliedSeq = min(m.consumers[i].appliedSeq, seq)
            m.consumers[i].reservedSeq = nil
            m.consumers[i].updatedAt = nowRFC3339()
            logger("journal \(directory): consumer \"\(m.consumers[i].name)\" had applied up to seq \(was); its position"
                   + " is now seq \(seq), but its store still holds seqs \(seq + 1)…\(was) that the journal no longer"
                   + " has: rebuild it before it replays again")
        }
    }
}
