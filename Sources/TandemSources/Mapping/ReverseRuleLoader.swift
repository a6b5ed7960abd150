import Foundation
import TandemCore

extension MappingReader {
    /// A column's `reverse`: `"keep"`, `"asIs"`, or an object with `map` (and `unlisted`) or `formatTimestamp`
    /// (and `zone`), and/or `type` (the legacy column's type).
    func reverse(_ any: Any, _ path: String) throws(E) -> (ReverseRule?, ValueType?) {
        if let s = any as? String {
            switch s {
            case "keep": return (.keep, nil)
            case "asIs": return (.asIs, nil)
            default: throw E(path: path, message: "unknown reverse rule \"\(s)\"; expected keep, asIs, or an object with map, formatTimestamp or type")
            }
        }
        let o = try object(any, path, allowed: ["map", "unlisted", "formatTimestamp", "zone", "type"])
        if o.isEmpty { throw E(path: path, message: "an empty reverse rule; expected map, formatTimestamp or type") }
        var legacyType: ValueType?
        if let t = o["type"] {
            let s = try string(t, "\(path).type")
            guard let vt = ValueType(rawValue: s) else {
                throw E(path: "\(path).type", message: "unknown type \"\(s)\"; expected one of \(ValueType.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            legacyType = vt
        }
        if o["map"] != nil, o["formatTimestamp"] != nil {
            throw E(path: path, message: "a reverse rule has map or formatTimestamp, not both")
        }
        if o["unlisted"] != nil, o["map"] == nil { throw E(path: "\(path).unlisted", message: "unlisted goes with map") }
        if o["zone"] != nil, o["formatTimestamp"] == nil { throw E(path: "\(path).zone", message: "zone goes with formatTimestamp") }
        if let m = o["map"] {
            let (table, keep) = try codeMap(m, unlisted: o["unlisted"], path, what: "new value (as text) → legacy value")
            return (.map(table, keepUnlisted: keep), legacyType)
        }
        if let f = o["formatTimestamp"] {
            let text = try string(f, "\(path).formatTimestamp")
            let pattern: TimePattern
            do { pattern = try TimePattern(text) } catch { throw E(path: "\(path).formatTimestamp", message: error.reason) }
            var zone = ZoneRule.fixed(0)
            if let z = o["zone"] { zone = try zoneRule(try string(z, "\(path).zone"), "\(path).zone") }
            return (.formatTimestamp(pattern, zone: zone), legacyType)
        }
        return (nil, legacyType)
    }
}
