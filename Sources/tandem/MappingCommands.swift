import Foundation
import TandemCore
import TandemSources

/// `tandem mapping check`: a mapping file (`schemas/mapping.schema.json`), forward and in reverse.
enum MappingCommands {
    static let check = Verb(
        name: "check", summary: "validate a mapping file; with --reverse, list every column's reverse rule",
        positionals: ["FILE"],
        options: [.flag("--reverse", "list how each column goes back from the new store to the legacy store, and refuse a migrated column without a rule")],
        details: """
        Without --reverse: loads the mapping as ingest does (a fault is printed with its JSON path) and prints
        what it maps. With --reverse: prints one line a column, ENTITY.COLUMN ← NEW_ENTITY.NEW_COLUMN: RULE
        (renames invert, a one-to-one map inverts, parseTimestamp formats with the same pattern and zone, a
        type coercion goes back to the legacy type, trim/lower/upper write the new value as it is, a dropped
        column keeps its legacy value); a migrated column none of these covers needs a "reverse" rule, and each
        one missing is one line on stderr: tandem: ENTITY.COLUMN: REASON.
        Exit 0 valid, 65 a fault (or a column without a reverse rule), 66 no such file.
        """
    ) { args in
        let path = args.positionals[0]
        let mapping = try Mapping.load(path: path)
        guard args.flag("--reverse") else {
            let n = mapping.entities.count, cols = mapping.entities.values.reduce(0) { $0 + $1.columns.count }
            Output.out("ok: \(TerminalText.escaped(path)): \(n) \(n == 1 ? "entity" : "entities"), \(cols) listed \(cols == 1 ? "column" : "columns")\n")
            return 0
        }
        let (entities, faults) = mapping.reverseRules()
        var lines: [String] = []
        for e in entities {
            lines.append("\(e.legacy) ← \(e.target)")
            for c in e.columns {
                lines.append("  \(e.legacy).\(c.legacy)" + (c.target.map { " ← \(e.target).\($0)" } ?? "") + ": \(c.summary)")
            }
            lines.append("  other columns: " + (e.keepUnlisted ? "written back under their own name" : "not written back (unlistedColumns is drop)"))
        }
        // Names come from the file: escaped, so a control character cannot drive the terminal.
        Output.out(lines.map { TerminalText.escaped($0) + "\n" }.joined())
        for f in faults { Output.err("tandem: \(TerminalText.escaped(f.description))\n") }
        return faults.isEmpty ? 0 : 65
    }

    static let group = VerbGroup(name: "mapping", summary: "check a mapping file, forward and in reverse",
                                 verbs: [check])
}
