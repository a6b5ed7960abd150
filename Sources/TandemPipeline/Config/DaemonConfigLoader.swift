import Foundation
import TandemCore
import TandemSinks
import TandemSources

extension DaemonConfig {
    /// The top-level keys, in the order `config example` explains them.
    static let topKeys = ["$schema", "journal", "segmentSize", "source", "mapping", "sinks", "retry", "http",
                          "logFormat", "migration", "snapshot", "notify"]
    static let sinkKeys = ["name", "into", "filter", "batch", "splitTransactionsOver", "passwordFile", "passwordCredential"]
    static let storeKeys = ["kind", "path", "url", "name", "synchronous"]
    static let filterKeys = ["entities", "tenants"]
    static let retryKeys = ["initialMs", "maxMs"]
    static let httpKeys = ["listen", "allowNonLoopback", "operatorToken", "operatorTokenFile"]
    static let migrationKeys = ["new", "legacy", "state", "maxForwardLagSeconds", "reverseJournal", "reverseSource"]

    /// Reads and checks the config file at `path` without opening any store. Secrets (`${ENV}` in a sink's
    /// `into`, `passwordFile`, `passwordCredential` under `$CREDENTIALS_DIRECTORY`) come from `environment`.
    /// - Throws: `DaemonConfigError`: `.missing`, `.unreadable`, or `.invalid` with every fault and its path.
    public static func load(path: String,
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws(DaemonConfigError) -> DaemonConfig {
        let file = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file, isDirectory: &isDir) else { throw .missing(file: path) }
        guard !isDir.boolValue else { throw .unreadable(file: path, reason: "it is a directory") }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw .unreadable(file: path, reason: "permission denied or I/O error")
        }
        let document: JSONValue
        do { document = try JSONValue.parse([UInt8](data)) } catch {
            throw .invalid(file: path, faults: [ConfigFault(path: "$", message: "not valid JSON: \(error)")])
        }
        if let f = document.strictnessFault(at: "$") {
            throw .invalid(file: path, faults: [ConfigFault(path: f.path, message: f.message)])
        }
        var loader = Loader(base: PathText.parent(of: file), environment: environment)
        guard let config = loader.config(document, file: file), loader.reader.faults.isEmpty else {
            throw .invalid(file: path, faults: loader.reader.faults)
        }
        return config
    }
}

/// One load: the reader with its faults, and where relative paths and secrets come from.
private struct Loader {
    var reader = ConfigReader()
    let base: String
    let environment: [String: String]

    /// `path` made absolute against the config file's directory.
    func resolve(_ path: String) -> String { path.hasPrefix("/") ? path : base + "/" + path }

    mutating func config(_ document: JSONValue, file: String) -> DaemonConfig? {
        guard let top = reader.object(document, at: "$", known: DaemonConfig.topKeys) else { return nil }
        let journalText = reader.string(top, "journal", required: true)
        let journal = journalText.map { resolve($0) }
        let segmentSize = self.segmentSize(top)
        let sourceText = reader.string(top, "source", required: true)
        let source = sourceText.flatMap { self.source($0, at: top.path("source")) }
        let mappingText = reader.string(top, "mapping")
        let mapping = mappingText.map { resolve($0) }
        let sinks = self.sinks(top)
        let retry = self.retry(top)
        let http = self.http(top)
        var logFormat = DaemonConfig.LogFormat.text
        if let s = reader.string(top, "logFormat") {
            if let f = DaemonConfig.LogFormat(rawValue: s) { logFormat = f } else {
                reader.fault(top.path("logFormat"), "expected \"text\" or \"json\", not \"\(s)\"")
            }
        }
        let migration = top["migration"].flatMap { self.migration($0, at: top.path("migration"), sinks: sinks ?? [], journal: journal) }
        let notify = top["notify"].flatMap { reader.notify($0, at: top.path("notify"), http: http, resolve: resolve) }
        let snapshot = reader.bool(top, "snapshot")
        guard let journal, let source, let sourceText, let sinks, let retry, let http else { return nil }
        // Logs and /status show the source as written, but a connection string without its password.
        let shown = source.kind == .postgresChangelog
            ? "postgres-changelog:" + SinkSpec(kind: .postgres(conninfo: source.path)).description : sourceText
        var config = DaemonConfig(file: file, journal: journal, segmentSize: segmentSize, source: source, sourceText: shown,
                                  mapping: mapping, sinks: sinks, retry: retry, http: http, logFormat: logFormat,
                                  migration: migration)
        if let snapshot { config.snapshot = snapshot }
        config.notify = notify
        return config
    }

    mutating func segmentSize(_ top: Members) -> Int? {
        guard let v = top["segmentSize"] else { return nil }
        let range = 4096...(1 << 40)
        let bytes: Int?
        switch v {
        case .string(let s): bytes = ByteSize.parse(s)
        case .number: bytes = v.int64.flatMap { Int(exactly: $0) }
        default: bytes = nil
        }
        guard let bytes else {
            reader.fault(top.path("segmentSize"), "expected a size such as 67108864, \"64 MiB\" or \"8KB\" (KB = 1000 bytes, KiB = 1024)")
            return nil
        }
        guard range.contains(bytes) else {
            reader.fault(top.path("segmentSize"), "\(bytes) bytes is out of range; expected 4 KiB to 1 TiB")
            return nil
        }
        return bytes
    }

    /// The source spec with its paths resolved against the config file.
    mutating func source(_ text: String, at path: String) -> SourceSpec? {
        let isShort = SourceSpec.Kind.allCases.contains { text.hasPrefix($0.rawValue + ":") }
        do {
            var spec = try SourceSpec.parse(isShort ? text : resolve(text))
            if isShort && spec.kind != .postgresChangelog {  // a connection string is no path
                spec.path = resolve(spec.path)
                spec.rotatedGlob = spec.rotatedGlob.map { resolve($0) }
            }
            return spec
        } catch {
            reader.fault(path, "\(error)")
            return nil
        }
    }

    mutating func sinks(_ top: Members) -> [DaemonConfig.Sink]? {
        guard let v = top["sinks"] else { reader.fault("$", "missing required key \"sinks\""); return nil }
        guard let list = v.array else { reader.fault(top.path("sinks"), "expected a list of sinks, not \(reader.kind(v))"); return nil }
        guard !list.isEmpty else { reader.fault(top.path("sinks"), "needs at least one sink"); return nil }
        let before = reader.faults.count
        var sinks: [DaemonConfig.Sink] = []
        var names: [String: Int] = [:]
        for (i, item) in list.enumerated() {
            let path = "\(top.path("sinks"))[\(i)]"
            guard let o = reader.object(item, at: path, known: DaemonConfig.sinkKeys) else { continue }
            let name = reader.string(o, "name", required: true)
            if let name {
                if let first = names[name] {
                    reader.fault(o.path("name"), "sink name \"\(name)\" is already used by $.sinks[\(first)]; each sink needs its own name")
                } else { names[name] = i }
            }
            if let sink = self.sink(o, name: name) { sinks.append(sink) }
        }
        return reader.faults.count == before ? sinks : nil
    }

    mutating func sink(_ o: Members, name: String?) -> DaemonConfig.Sink? {
        var spec: SinkSpec?
        if let object = o["into"], object.object != nil {
            spec = sinkSpec(object: object, at: o.path("into"))
        } else {
            let into = reader.string(o, "into", required: true)
            spec = into.flatMap { sinkSpec($0, at: o.path("into")) }
        }
        let password = self.password(o)
        if let p = password, let s = spec {
            do { spec = try s.addingPassword(p) } catch {
                reader.fault(o.path(o["passwordFile"] != nil ? "passwordFile" : "passwordCredential"), Loader.reason(error, hint: false))
                spec = nil
            }
        }
        var filter = ReplayFilter()
        if let f = o["filter"], let fo = reader.object(f, at: o.path("filter"), known: DaemonConfig.filterKeys) {
            filter.entities = reader.strings(fo, "entities").map(Set.init)
            filter.tenants = reader.strings(fo, "tenants").map(Set.init)
        }
        let batch = reader.int(o, "batch", in: 1...1_000_000) ?? 10_000
        let split = reader.int(o, "splitTransactionsOver", in: 0...100_000_000) ?? ReplayOptions().splitTransactionsOver
        guard let name, var spec else { return nil }
        // The sink's name is its checkpoint row; a different one inside a JSON `into` would leave it unclear which.
        if spec.name != "default", spec.name != name {
            reader.fault(o.path("into"), "names the sink \"\(spec.name)\" but the sink's \"name\" is \"\(name)\"; give the name once, in \"name\"")
            return nil
        }
        spec.name = name
        var sink = DaemonConfig.Sink(name: name, spec: spec, filter: filter, batchSize: batch)
        sink.splitTransactionsOver = split
        return sink
    }

    /// A sink spec from `into`, `${NAME}` replaced from the environment, a SQLite path resolved. A fault
    /// never quotes the text: after substitution it may hold a password.
    /// A sink spec written as a JSON object (`{"kind": "sqlite", "path": …}`): its keys checked strictly
    /// (replay's parser ignores unknown ones), `${NAME}` replaced in its strings, then read as replay reads it.
    mutating func sinkSpec(object: JSONValue, at path: String) -> SinkSpec? {
        let before = reader.faults.count
        guard let o = reader.object(object, at: path, known: DaemonConfig.storeKeys), reader.faults.count == before else { return nil }
        var members: [(key: String, value: JSONValue)] = []
        for m in o.members where m.key != "$comment" {
            guard case .string(let text) = m.value else {
                reader.fault(o.path(m.key), "expected a string, not \(reader.kind(m.value))")
                return nil
            }
            guard let expanded = expand(text, at: o.path(m.key)) else { return nil }
            members.append((m.key, .string(expanded)))
        }
        return sinkSpec(JSONValue.object(members).description, at: path, expandingEnvironment: false)
    }

    /// A sink spec from its text (any form replay's `--into` takes).
    mutating func sinkSpec(_ text: String, at path: String, expandingEnvironment: Bool = true) -> SinkSpec? {
        guard let expanded = expandingEnvironment ? expand(text, at: path) : text else { return nil }
        do {
            let trimmed = expanded.trimmingCharacters(in: .whitespacesAndNewlines)
            let isFile = !trimmed.hasPrefix("{") && !trimmed.contains(":") && trimmed.hasSuffix(".json")
            var spec = try SinkSpec.parse(isFile ? resolve(trimmed) : expanded)
            if case .sqlite(let p, let sync) = spec.kind { spec.kind = .sqlite(path: resolve(p), synchronous: sync) }
            return spec
        } catch {
            reader.fault(path, Loader.reason(error))
            return nil
        }
    }

    /// A sink error's reason without the spec it quotes.
    static func reason(_ error: Error, hint: Bool = true) -> String {
        if case .badSpec(_, let reason)? = error as? SinkError {
            return !hint ? reason : reason + "; expected sqlite:PATH, postgres://… / postgresql://…, a JSON object {\"kind\":…} or a .json file"
        }
        return "\(error)"
    }

    /// `text` with each `${NAME}` replaced by the environment variable NAME (a fault when unset).
    mutating func expand(_ text: String, at path: String) -> String? {
        var out = "", rest = Substring(text)
        while let start = rest.range(of: "${") {
            out += rest[..<start.lowerBound]
            guard let close = rest[start.upperBound...].firstIndex(of: "}") else {
                reader.fault(path, "\"${\" without a closing \"}\"; write ${NAME} for the environment variable NAME")
                return nil
            }
            let name = String(rest[start.upperBound..<close])
            guard let first = name.first, first == "_" || (first.isASCII && first.isLetter),
                  name.allSatisfy({ $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }) else {
                reader.fault(path, "\"${\(name)}\" is not an environment variable name (letters, digits and _)")
                return nil
            }
            guard let value = environment[name] else {
                reader.fault(path, "environment variable \(name) is not set")
                return nil
            }
            out += value
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    /// The password from `passwordFile` or `passwordCredential` (nil when neither is given or it fails).
    mutating func password(_ o: Members) -> String? {
        let file = reader.string(o, "passwordFile")
        let credential = reader.string(o, "passwordCredential")
        if file != nil, credential != nil {
            reader.fault(o.path("passwordCredential"), "give passwordFile or passwordCredential, not both")
            return nil
        }
        let path: String, at: String
        if let file {
            (path, at) = (resolve(file), o.path("passwordFile"))
        } else if let credential {
            at = o.path("passwordCredential")
            guard !credential.contains("/"), credential != ".", credential != ".." else {
                reader.fault(at, "a credential name is a file name in $CREDENTIALS_DIRECTORY, without \"/\"")
                return nil
            }
            guard let dir = environment["CREDENTIALS_DIRECTORY"], !dir.isEmpty else {
                reader.fault(at, "$CREDENTIALS_DIRECTORY is not set (systemd sets it for LoadCredential=)")
                return nil
            }
            path = dir + "/" + credential
        } else { return nil }
        return secret(file: path, at: at)
    }

    /// The secret in the file at `path` (one trailing newline dropped); nil, with a fault at `at`, when it
    /// cannot be read or is empty.
    mutating func secret(file path: String, at: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else {
            reader.fault(at, "cannot read \(path)")
            return nil
        }
        var secret = String(decoding: data, as: UTF8.self)
        if secret.hasSuffix("\n") { secret.removeLast() }  // "\r\n" is one Character: removed as one
        guard !secret.isEmpty else { reader.fault(at, "\(path) is empty"); return nil }
        return secret
    }

    mutating func retry(_ top: Members) -> DaemonConfig.Retry? {
        var retry = DaemonConfig.Retry()
        guard let v = top["retry"] else { return retry }
        guard let o = reader.object(v, at: top.path("retry"), known: DaemonConfig.retryKeys) else { return nil }
        let before = reader.faults.count
        if let n = reader.int(o, "initialMs", in: 1...60_000) { retry.initialMs = n }
        if let n = reader.int(o, "maxMs", in: 1...3_600_000) { retry.maxMs = n }
        if reader.faults.count == before, retry.maxMs < retry.initialMs {
            reader.fault(o.path("maxMs"), "\(retry.maxMs) is less than initialMs (\(retry.initialMs))")
        }
        return reader.faults.count == before ? retry : nil
    }

    mutating func http(_ top: Members) -> DaemonConfig.HTTP? {
        var http = DaemonConfig.HTTP()
        guard let v = top["http"] else { return http }
        guard let o = reader.object(v, at: top.path("http"), known: DaemonConfig.httpKeys) else { return nil }
        let before = reader.faults.count
        if let b = reader.bool(o, "allowNonLoopback") { http.allowNonLoopback = b }
        if let text = reader.string(o, "listen") {
            do {
                http.listen = try HTTPListenAddress(parsing: text)
                if !http.listen.isLoopback, !http.allowNonLoopback {
                    reader.fault(o.path("listen"), "\(http.listen) is reachable from other machines; listen on 127.0.0.1 or [::1],"
                                 + " or set \"allowNonLoopback\": true (the endpoint has no authentication)")
                }
            } catch {
                // The server's own parser, so the daemon can never start on an address `config check` passed
                // differently; its reason, with the forms it takes.
                let reason = if case .invalidAddress(_, let r)? = error as? HTTPServerError { r } else { "\(error)" }
                reader.fault(o.path("listen"), "\(reason); expected 127.0.0.1:PORT, [::1]:PORT or localhost:PORT")
            }
        }
        http.operatorToken = operatorToken(o)
        return reader.faults.count == before ? http : nil
    }

    /// `operatorToken` (`${NAME}` from the environment) or `operatorTokenFile`; a fault never quotes it.
    mutating func operatorToken(_ o: Members) -> OperatorToken? {
        let text = reader.string(o, "operatorToken"), file = reader.string(o, "operatorTokenFile")
        let token: String?, at: String
        switch (text, file) {
        case (nil, nil): return nil
        case (.some, .some):
            reader.fault(o.path("operatorTokenFile"), "give operatorToken or operatorTokenFile, not both")
            return nil
        case (let t?, nil): at = o.path("operatorToken"); token = expand(t, at: at)
        case (nil, let f?): at = o.path("operatorTokenFile"); token = secret(file: resolve(f), at: at)
        }
        guard let token else { return nil }
        guard token.count >= OperatorToken.minimumLength, !token.contains(where: { $0.isWhitespace || $0.isNewline }) else {
            reader.fault(at, "the operator token must be at least \(OperatorToken.minimumLength) characters without spaces"
                         + " (e.g. from `openssl rand -hex 24`)")
            return nil
        }
        return OperatorToken(token)
    }

    mutating func migration(_ v: JSONValue, at path: String, sinks: [DaemonConfig.Sink], journal: String?) -> DaemonConfig.Migration? {
        guard let o = reader.object(v, at: path, known: DaemonConfig.migrationKeys) else { return nil }
        let new = reader.string(o, "new", required: true)
        if let new, !sinks.isEmpty, !sinks.contains(where: { $0.name == new }) {
            reader.fault(o.path("new"), "no sink is named \"\(new)\"; expected one of \(sinks.map { "\"\($0.name)\"" }.joined(separator: ", "))")
        }
        let legacyText = reader.string(o, "legacy", required: true)
        let legacy = legacyText.flatMap { sinkSpec($0, at: o.path("legacy")) }
        let stateText = reader.string(o, "state")
        // Default: beside the journal (its directory's parent), so a journal moved with its state stays whole.
        let state = stateText.map { resolve($0) } ?? (journal.map { PathText.parent(of: $0) + "/" + DaemonConfig.Migration.defaultStateName })
        var lag = 5.0
        if let v = o["maxForwardLagSeconds"] {
            if let d = v.double, d >= 0, d <= 86_400 { lag = d } else {
                reader.fault(o.path("maxForwardLagSeconds"), "expected a number of seconds from 0 to 86400")
            }
        }
        let reverseJournal = reader.string(o, "reverseJournal").map { resolve($0) }
        var reverseSource: String?
        if let text = reader.string(o, "reverseSource"), let spec = source(text, at: o.path("reverseSource")) {
            if spec.kind == .jsonl {
                reader.fault(o.path("reverseSource"), "expected sqlite-changelog:PATH or postgres-changelog:URI (the new store's change table), not a jsonl source")
            }
            // A relative path is resolved against the config's directory, like the source's.
            reverseSource = spec.kind == .sqliteChangelog ? "sqlite-changelog:" + spec.path : text
        }
        guard let new, let legacy, let state else { return nil }
        var m = DaemonConfig.Migration(new: new, legacy: legacy, state: state, maxForwardLagSeconds: lag)
        m.reverseJournal = reverseJournal ?? ""
        m.reverseSource = reverseSource
        return m
    }
}
