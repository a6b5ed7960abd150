import Foundation

/// Runs the `sqlite3` shell on a database file, as a legacy application or an operator would; returns its output.
func sqlite3(_ db: String, _ sql: String) throws -> String {
    // A busy timeout, as any application writing a store beside a running `tandem run` sets one: the daemon's
    // reads (capture, snapshot, verify) hold brief locks, and without it a write fails at once with SQLITE_BUSY.
    try runTool("/usr/bin/sqlite3", ["-cmd", ".timeout 10000", db, sql]).stdout
}

/// Runs `psql` of the cluster `scripts/postgres start` exported (TANDEM_PG_BIN, PGHOST, PGPORT, PGUSER).
func psql(_ args: [String]) throws -> CLIResult {
    let bin = ProcessInfo.processInfo.environment["TANDEM_PG_BIN"] ?? "/usr/lib/postgresql/15/bin"
    return try runTool(bin + "/psql", ["-X", "-v", "ON_ERROR_STOP=1"] + args)
}

/// `psql` options for the server of a libpq URI (`postgres:///db?host=…&port=…&user=…`): host, port and user,
/// unaligned tuples only, quiet, stopping at the first error.
func psqlArguments(for url: URLComponents) -> [String] {
    var args = ["-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1"]
    for item in url.queryItems ?? [] {
        switch item.name {
        case "host": args += ["-h", item.value ?? ""]
        case "port": args += ["-p", item.value ?? ""]
        case "user": args += ["-U", item.value ?? ""]
        default: break
        }
    }
    return args
}

/// Runs a tool and waits; returns its exit status and output.
func runTool(_ path: String, _ args: [String]) throws -> CLIResult {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    p.arguments = args
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return CLIResult(status: p.terminationStatus, stdout: String(decoding: data, as: UTF8.self),
                     stderr: String(decoding: errData, as: UTF8.self))
}
