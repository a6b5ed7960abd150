import TandemCore

extension ErrorCategory {
    /// The sysexits(3) code `tandem` exits with for an error of this category (listed in `tandem --help`).
    var exitCode: Int32 {
        switch self {
        case .refused: return 1
        case .usage, .config: return 64     // EX_USAGE
        case .badData: return 65            // EX_DATAERR
        case .noInput: return 66            // EX_NOINPUT
        case .unavailable: return 69        // EX_UNAVAILABLE
        case .cannotCreate: return 73       // EX_CANTCREAT
        case .ioError: return 74            // EX_IOERR
        case .tryAgain: return 75           // EX_TEMPFAIL
        }
    }
}

/// The exit codes verbs return without an error (a check that found faults, a stop before the end).
enum ExitCode {
    static let checkFailed = ErrorCategory.refused.exitCode
    static let usage = ErrorCategory.usage.exitCode
    static let dataError = ErrorCategory.badData.exitCode
    static let noInput = ErrorCategory.noInput.exitCode
    static let unavailable = ErrorCategory.unavailable.exitCode
    static let cannotCreate = ErrorCategory.cannotCreate.exitCode
    static let ioError = ErrorCategory.ioError.exitCode
    static let tempFail = ErrorCategory.tryAgain.exitCode
    /// An error without a category reached the top: a bug (EX_SOFTWARE).
    static let software: Int32 = 70
}

/// The one line an operator sees for an error (control characters from legacy input escaped).
func describe(_ error: Error) -> String {
    TerminalText.escaped(String(describing: error))
}

/// The exit code for an error that reached the top.
func exitCode(for error: Error) -> Int32 {
    (error as? CategorizedError)?.category.exitCode ?? ExitCode.software
}
