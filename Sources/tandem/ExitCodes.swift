import TandemCore

/// sysexits(3) codes used by every verb.
enum ExitCode {
    static let checkFailed: Int32 = 1
    static let usage: Int32 = 64
    static let dataError: Int32 = 65
    static let noInput: Int32 = 66
    static let unavailable: Int32 = 69
    static let software: Int32 = 70
    static let cannotCreate: Int32 = 73
    static let ioError: Int32 = 74
    static let tempFail: Int32 = 75
}

/// The one line an operator sees for an error (control characters from legacy input escaped).
func describe(_ error: Error) -> String {
    TerminalText.escaped(String(describing: error))
}

/// The exit code for an error that reached the top.
func exitCode(for error: Error) -> Int32 {
    switch error {
    case is UsageError: return ExitCode.usage
    case is DecodeError: return ExitCode.dataError
    default: return exitCodeForLibraryError(error) ?? ExitCode.software
    }
}
