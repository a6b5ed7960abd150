import Foundation
import TandemCore

extension Manifest {
    /// Damage recorded in the manifest by whoever found it (verify, a reader, a writer's recovery).
    public struct Damage: Codable, Sendable, Equatable {
        /// The segment file's name (not its path: the directory may move).
        public var file: String
        /// The byte offset of the damaged record.
        public var offset: Int64
        /// The seq that was due there.
        public var seq: UInt64
        /// What is wrong.
        public var reason: String
        /// Who found it: "verify", "reader", "writer".
        public var foundBy: String
        /// When it was found (RFC 3339, UTC).
        public var foundAt: String
    }
}

/// Recording, refusing on and clearing known damage (`manifest.damage`).
///
/// Why recorded: a full scan of every sealed segment on each open would cost too much, so damage that
/// `verify` or a reader finds in a sealed segment would otherwise go unseen by the next writer, which would
/// then append after it. Cleared when the operator resolves it: `verify` finding the journal clean (the
/// segment was restored), or `truncate --after` cutting at or before the damaged seq.
enum DamageRecord {
    /// Records a `.corrupt` error as the journal's known damage (the first one found stays). Best effort:
    /// the error is reported to the caller either way.
    static func record(_ error: JournalError, directory: String, fs: any JournalFileSystem, by who: String) {
        guard case let .corrupt(file, offset, seq, reason) = error else { return }
        let name = file.hasSuffix(JournalFiles.segmentSuffix) ? (file as NSString).lastPathComponent : file
        _ = try? ManifestStore(directory: directory, fs: fs).update { m in
            guard m.damage == nil else { return }
            m.damage = .init(file: name, offset: offset, seq: seq, reason: reason, foundBy: who, foundAt: nowRFC3339())
        }
    }

    /// The error a writer refuses with while damage is recorded.
    static func refusal(_ d: Manifest.Damage, directory: String) -> JournalError {
        let file = d.file.hasSuffix(JournalFiles.segmentSuffix) ? directory + "/" + d.file : d.file
        return .corrupt(file: file, offset: d.offset, seq: d.seq,
                        reason: d.reason + " (recorded by \(d.foundBy) at \(d.foundAt))")
    }

    /// Clears the record when `keep` — the journal now ends before it, or checked clean — says it is resolved.
    static func clear(directory: String, fs: any JournalFileSystem, logger: JournalLogger, how: String,
                      when resolved: (Manifest.Damage) -> Bool) throws {
        let cleared = try ManifestStore(directory: directory, fs: fs).update { m -> Manifest.Damage? in
            guard let d = m.damage, resolved(d) else { return nil }
            m.damage = nil
            return d
        }
        if let d = cleared {
            logger("journal \(directory): the recorded damage in \(d.file) at byte \(d.offset), seq \(d.seq) is resolved (\(how))")
        }
    }
}
