import Foundation
import TandemCore

/// One option a verb accepts: `--name VALUE` or a `--flag`.
struct OptionSpec: Sendable {
    let name: String
    let value: String?   // placeholder shown in help, nil for a flag
    let help: String
    var repeatable = false
    /// Older names that still work; their values count as `name`'s.
    var aliases: [String] = []

    static func flag(_ name: String, _ help: String) -> OptionSpec { OptionSpec(name: name, value: nil, help: help) }
    static func value(_ name: String, _ placeholder: String, _ help: String, repeatable: Bool = false,
                      aliases: [String] = []) -> OptionSpec {
        OptionSpec(name: name, value: placeholder, help: help, repeatable: repeatable, aliases: aliases)
    }
}

/// A leaf command: `tandem GROUP VERB …` or `tandem VERB …`.
struct Verb: Sendable {
    let name: String
    let summary: String
    /// Positional arguments as shown in the usage line, e.g. ["DIR"]; a trailing "…" allows more.
    let positionals: [String]
    let options: [OptionSpec]
    /// Extra help text printed after the options.
    var details: String = ""
    let run: @Sendable (ParsedArguments) throws -> Int32
}

/// A named set of verbs: `tandem journal …`.
struct VerbGroup: Sendable {
    let name: String
    let summary: String
    let verbs: [Verb]
}

/// The arguments of one invocation, checked against its verb's specification.
struct ParsedArguments {
    let verbPath: String
    var positionals: [String] = []
    var values: [String: [String]] = [:]
    var flags: Set<String> = []

    /// True when `--name` was given.
    func flag(_ name: String) -> Bool { flags.contains(name) }
    /// The last value of `--name`, if given.
    func value(_ name: String) -> String? { values[name]?.last }
    /// Every value of a repeatable `--name`.
    func all(_ name: String) -> [String] { values[name] ?? [] }

    /// The value of `--name` as an unsigned integer, or a usage error naming the option.
    func unsigned(_ name: String) throws -> UInt64? {
        guard let text = value(name) else { return nil }
        guard let n = UInt64(text) else {
            throw UsageError("\(verbPath): \(name) takes a non-negative whole number, not '\(text)'")
        }
        return n
    }

    /// The value of `--name` as a whole number within `range`, or a usage error naming the option and range.
    func int(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let n = try unsigned(name) else { return nil }
        guard let v = Int(exactly: n), range.contains(v) else {
            throw UsageError("\(verbPath): \(name) must be between \(range.lowerBound) and \(range.upperBound), not \(n)")
        }
        return v
    }

    /// The n-th positional argument, or a usage error naming it.
    func positional(_ index: Int, _ placeholder: String) throws -> String {
        guard index < positionals.count else { throw UsageError("\(verbPath): missing \(placeholder)") }
        return positionals[index]
    }
}

/// Bad command-line use: one line on stderr, exit 64.
struct UsageError: CategorizedError, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
    var category: ErrorCategory { .usage }
}

extension Verb {
    /// Checks `arguments` against this verb's options and positionals.
    func parse(_ arguments: [String], path: String) throws -> ParsedArguments {
        var parsed = ParsedArguments(verbPath: path)
        var i = 0
        var onlyPositionals = false
        while i < arguments.count {
            let arg = arguments[i]
            i += 1
            if onlyPositionals || !arg.hasPrefix("-") || arg == "-" {
                parsed.positionals.append(arg)
                continue
            }
            if arg == "--" { onlyPositionals = true; continue }
            var name = arg
            var inline: String?
            if let eq = arg.firstIndex(of: "="), arg.hasPrefix("--") {
                name = String(arg[..<eq]); inline = String(arg[arg.index(after: eq)...])
            }
            guard let spec = options.first(where: { $0.name == name || $0.aliases.contains(name) }) else {
                throw UsageError("\(path): unknown option '\(name)' (see 'tandem help \(path)')")
            }
            let given = name
            name = spec.name
            if spec.value == nil {
                if inline != nil { throw UsageError("\(path): \(given) takes no value") }
                parsed.flags.insert(name)
                continue
            }
            let value: String
            if let inline { value = inline } else {
                guard i < arguments.count else { throw UsageError("\(path): \(given) needs a value (\(spec.value!))") }
                value = arguments[i]; i += 1
            }
            if !spec.repeatable && parsed.values[name] != nil {
                throw UsageError("\(path): \(name) given twice" + (spec.aliases.isEmpty ? "" : " (\(spec.aliases.joined(separator: ", ")) is the same option)"))
            }
            parsed.values[name, default: []].append(value)
        }
        // "FILE…" and "[ID…]" both take any number.
        let variadic = positionals.last.map { $0.hasSuffix("…") || $0.hasSuffix("…]") } ?? false
        let required = positionals.filter { !$0.hasPrefix("[") && !$0.hasSuffix("…") }.count
        if parsed.positionals.count < required {
            throw UsageError("\(path): missing \(positionals[parsed.positionals.count])")
        }
        if !variadic && parsed.positionals.count > positionals.count {
            throw UsageError("\(path): unexpected argument '\(parsed.positionals[positionals.count])'")
        }
        return parsed
    }

    /// The verb's help page.
    func help(path: String) -> String {
        var usage = "usage: tandem \(path)"
        for p in positionals { usage += " \(p)" }
        if !options.isEmpty { usage += " [options]" }
        var out = "\(summary)\n\n\(usage)\n"
        if !options.isEmpty {
            out += "\noptions:\n"
            let rows = options.map { o in
                (o.value.map { "\(o.name) \($0)" } ?? o.name, o.help + (o.aliases.isEmpty ? "" : " (also \(o.aliases.joined(separator: ", ")))"))
            }
            let width = min(28, rows.map(\.0.count).max() ?? 0)
            for (left, right) in rows {
                out += "  " + left.padding(toLength: max(width, left.count), withPad: " ", startingAt: 0)
                    + "  " + right + "\n"
            }
        }
        if !details.isEmpty { out += "\n" + details + "\n" }
        return out
    }
}
