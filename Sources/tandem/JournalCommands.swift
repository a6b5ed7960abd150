import TandemCore
import TandemJournal

/// `tandem journal …`: the operator's view of the append-only journal.
enum JournalCommands {
    static let group = VerbGroup(name: "journal", summary: "create, append to, read, check and cut a journal", verbs: [])
}

/// Exit codes for the libraries' typed errors.
func exitCodeForLibraryError(_ error: Error) -> Int32? { nil }
