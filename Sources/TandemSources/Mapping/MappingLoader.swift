import Foundation
import TandemCore

/// A mapping file that cannot be used: the JSON path of the fault and what is wrong there.
public struct MappingError: CategorizedError, Sendable, CustomStringConvertible {
    /// Where, e.g. `mapping.entities.customers.columns.email.transforms[1]`.
    public var path: String
    /// What is wrong, with the accepted choices where there are some.
    public var message: String
    /// The file, when loaded from one.
    public var file: String?

    /// The kind of failure: no input when the file cannot be read, else bad data.
    public var category: ErrorCategory { message == "cannot read the file" ? .noInput : .badData }

    public var description: String {
        (file.map { "\($0): " } ?? "") + "\(path): \(message)"
    }
}

extension Mapping {
    /// Loads and compiles a mapping file (JSON, `schemas/mapping.schema.json`).
    /// - Throws: `MappingError` with the JSON path of the first fault.
    public static func load(path: String) throws(MappingError) -> Mapping {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MappingError(path: "mapping", message: "cannot read the file", file: path)
        }
        do throws(MappingError) { return try parse(data) } catch {
            var e = error
            e.file = path
            throw e
        }
    }

    /// Compiles a mapping from JSON bytes.
    /// - Throws: `MappingError` with the JSON path of the first fault.
    public static func parse(_ data: Data) throws(MappingError) -> Mapping {
        // TandemCore's parser first: its error says where the text breaks (Foundation's says only that it does).
        let bytes = [UInt8](data)
        let document: JSONValue
        do throws(JSONError) { document = try JSONValue.parse(bytes) } catch {
            let (line, column) = error.location(in: bytes)
            throw MappingError(path: "mapping", message: "not valid JSON: \(error.reason) at line \(line), column \(column)")
        }
        // Valid JSON that a config must not contain: a key named twice, a number beyond a double.
        if let fault = document.strictnessFault(at: "mapping") { throw MappingError(path: fault.path, message: fault.message) }
        let root: Any
        do { root = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) } catch {
            throw MappingError(path: "mapping", message: "not valid JSON: \(error.localizedDescription)")
        }
        var r = MappingReader()
        return try r.mapping(root)
    }
}

// Reads the untyped JSONSerialization tree, keeping the JSON path for every error.
struct MappingReader {
    typealias E = MappingError

    func object(_ any: Any, _ path: String, allowed: [String]) throws(E) -> [String: Any] {
        guard let o = any as? [String: Any] else { throw E(path: path, message: "expected an object, found \(kind(any))") }
        for k in o.keys.sorted() where !allowed.contains(k) {
            throw E(path: "\(path).\(k)", message: "unknown field \"\(k)\"; expected one of \(allowed.joined(separator: ", "))")
        }
        return o
    }

    func string(_ any: Any, _ path: String) throws(E) -> String {
        guard let s = any as? String else { throw E(path: path, message: "expected a string, found \(kind(any))") }
        return s
    }

    func number(_ any: Any, _ path: String) throws(E) -> Double {
        guard let n = any as? NSNumber, !isBool(n) else { throw E(path: path, message: "expected a number, found \(kind(any))") }
        return n.doubleValue
    }

    // JSONSerialization gives booleans as NSNumber with objCType "c" (it never makes an Int8 number).
    func isBool(_ n: NSNumber) -> Bool { n.objCType.pointee == CChar(UInt8(ascii: "c")) }

    func kind(_ any: Any) -> String {
        switch any {
        case is NSNull: return "null"
        case let n as NSNumber: return isBool(n) ? "a boolean" : "a number"
        case is String: return "a string"
        case is [Any]: return "an array"
        case is [String: Any]: return "an object"
        default: return "\(type(of: any))"
        }
    }

    /// A JSON scalar as a Value (objects with one of the value keys as in the event format).
    func value(_ any: Any, _ path: String) throws(E) -> Value {
        switch any {
        case is NSNull: return .null
        case let n as NSNumber:
            if isBool(n) { return .bool(n.boolValue) }
            let d = n.doubleValue
            if d == d.rounded(), abs(d) < 9.0e15, !"\(n)".contains(".") { return .int(n.int64Value) }
            return .double(d)
        case let s as String: return .string(s)
        case let o as [String: Any] where o.count == 1:
            if let s = o["decimal"] as? String { return .decimal(s) }
            if let s = o["timestamp"] as? String {
                do { return .timestamp(try Timestamp(rfc3339: s)) } catch { throw E(path: "\(path).timestamp", message: "\(error)") }
            }
            if let s = o["bytes"] as? String {
                do { return .bytes(try Base64.decode(s)) } catch { throw E(path: "\(path).bytes", message: "\(error)") }
            }
            fallthrough
        default:
            throw E(path: path, message: "expected a value (null, boolean, number, string, or {\"decimal\"|\"timestamp\"|\"bytes\": text}), found \(kind(any))")
        }
    }

    mutating func mapping(_ any: Any) throws(E) -> Mapping {
        let o = try object(any, "mapping", allowed: ["$schema", "version", "entities", "unlistedEntities"])
        if let v = o["version"] {
            guard let n = v as? NSNumber, !isBool(n), n.intValue == 1 else {
                throw E(path: "mapping.version", message: "unsupported version; expected 1")
            }
        }
        var unlisted = Mapping.UnlistedEntities.pass
        if let u = o["unlistedEntities"] {
            let s = try string(u, "mapping.unlistedEntities")
            guard let x = Mapping.UnlistedEntities(rawValue: s) else {
                throw E(path: "mapping.unlistedEntities", message: "unknown value \"\(s)\"; expected one of pass, reject")
            }
            unlisted = x
        }
        guard let ents = o["entities"] else { throw E(path: "mapping", message: "missing field \"entities\"") }
        guard let eo = ents as? [String: Any] else { throw E(path: "mapping.entities", message: "expected an object, found \(kind(ents))") }
        var out: [String: EntityMapping] = [:]
        for name in eo.keys.sorted() {
            out[name] = try entity(eo[name]!, "mapping.entities.\(name)", name: name)
        }
        return Mapping(entities: out, unlistedEntities: unlisted)
    }

    mutating func entity(_ any: Any, _ path: String, name: String) throws(E) -> EntityMapping {
        let o = try object(any, path, allowed: ["target", "primaryKey", "tenant", "unlistedColumns", "columns"])
        let target = try o["target"].map { v throws(E) in try string(v, "\(path).target") } ?? name
        if target.isEmpty { throw E(path: "\(path).target", message: "must not be empty") }
        var keepUnlisted = true
        if let u = o["unlistedColumns"] {
            let s = try string(u, "\(path).unlistedColumns")
            guard s == "keep" || s == "drop" else {
                throw E(path: "\(path).unlistedColumns", message: "unknown value \"\(s)\"; expected one of keep, drop")
            }
            keepUnlisted = s == "keep"
        }
        var columns: [String: ColumnMapping] = [:]
        if let c = o["columns"] {
            guard let co = c as? [String: Any] else { throw E(path: "\(path).columns", message: "expected an object, found \(kind(c))") }
            for col in co.keys.sorted() {
                var c = try column(co[col]!, "\(path).columns.\(col)")
                if c.target == "" { c.target = col }  // kept under its own name
                columns[col] = c
            }
        }
        // Target names must be distinct, or two legacy columns would silently overwrite each other.
        var seen: [String: String] = [:]
        for col in columns.keys.sorted() {
            guard let t = columns[col]!.target else { continue }
            if let other = seen[t] {
                throw E(path: "\(path).columns.\(col)", message: "target column \"\(t)\" is also the target of \"\(other)\"")
            }
            seen[t] = col
        }
        // Names in primaryKey/tenant are target names; a source name that was renamed is accepted too.
        func resolve(_ n: String) -> String {
            if let c = columns[n], let t = c.target, seen[n] == nil { return t }
            return n
        }
        // Without primaryKey, the change's own key (by convention `id`) is the key: dropping it would journal
        // keyless events.
        if o["primaryKey"] == nil, let c = columns["id"], c.target == nil {
            throw E(path: "\(path).columns.id", message: "column \"id\" is dropped, but without a primaryKey it is the key column; keep it, or name the key in primaryKey")
        }
        // A key or tenant column (a target name) must come from a listed column or an unlisted one that is kept.
        func isKept(_ target: String) -> Bool { keepUnlisted || seen[target] != nil }
        var pk: [String] = []
        if let p = o["primaryKey"] {
            if let s = p as? String { pk = [s] } else if let a = p as? [Any], !a.isEmpty {
                for (i, x) in a.enumerated() { pk.append(try string(x, "\(path).primaryKey[\(i)]")) }
            } else {
                throw E(path: "\(path).primaryKey", message: "expected a column name or a non-empty array of names")
            }
            for (i, k) in pk.enumerated() {
                if let c = columns[k], c.target == nil {
                    throw E(path: "\(path).primaryKey[\(i)]", message: "column \"\(k)\" is dropped; a key column must be kept")
                }
            }
            pk = pk.map(resolve)
            for (i, k) in pk.enumerated() where !isKept(k) {
                throw E(path: "\(path).primaryKey[\(i)]", message: "key column \"\(k)\" is not listed in columns and unlistedColumns is drop; a key column must be kept")
            }
        }
        var tenant: String?
        if let t = o["tenant"] {
            let s = try string(t, "\(path).tenant")
            if let c = columns[s], c.target == nil {
                throw E(path: "\(path).tenant", message: "column \"\(s)\" is dropped; the tenant column must be kept")
            }
            tenant = resolve(s)
            if let t = tenant, !isKept(t) {
                throw E(path: "\(path).tenant", message: "tenant column \"\(t)\" is not listed in columns and unlistedColumns is drop; the tenant column must be kept")
            }
        }
        return EntityMapping(target: target, primaryKey: pk, tenantColumn: tenant, keepUnlisted: keepUnlisted, columns: columns)
    }

    mutating func column(_ any: Any, _ path: String) throws(E) -> ColumnMapping {
        // Shorthands: "newName" renames; false or "drop" drops; true keeps.
        if let s = any as? String { return ColumnMapping(target: s == "drop" ? nil : s) }
        if let n = any as? NSNumber, isBool(n) { return ColumnMapping(target: n.boolValue ? "" : nil) }
        let o = try object(any, path, allowed: ["rename", "drop", "type", "transforms", "default", "validate", "reverse", "why"])
        // "why": a note for people (tandem audit --draft-mapping writes one per rule); read, then ignored.
        if let w = o["why"] { _ = try string(w, "\(path).why") }
        var c = ColumnMapping(target: "")
        if let r = o["rename"] {
            let s = try string(r, "\(path).rename")
            if s.isEmpty { throw E(path: "\(path).rename", message: "must not be empty") }
            c.target = s
        }
        if let d = o["drop"] {
            guard let n = d as? NSNumber, isBool(n) else { throw E(path: "\(path).drop", message: "expected true or false") }
            if n.boolValue {
                if o.keys.contains(where: { $0 != "drop" && $0 != "why" }) { throw E(path: "\(path).drop", message: "a dropped column takes no other rules") }
                c.target = nil
            }
        }
        if let t = o["type"] {
            let s = try string(t, "\(path).type")
            guard let vt = ValueType(rawValue: s) else {
                throw E(path: "\(path).type", message: "unknown type \"\(s)\"; expected one of \(ValueType.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            c.type = vt
        }
        if let t = o["transforms"] {
            guard let a = t as? [Any] else { throw E(path: "\(path).transforms", message: "expected an array, found \(kind(t))") }
            for (i, x) in a.enumerated() { c.transforms.append(try transform(x, "\(path).transforms[\(i)]")) }
        }
        if let d = o["default"] { c.defaultValue = try value(d, "\(path).default") }
        if let v = o["validate"] {
            let vo = try object(v, "\(path).validate", allowed: ValidationRule.names)
            c.rules = try rules(vo, "\(path).validate")
        }
        if let r = o["reverse"] { (c.reverse, c.legacyType) = try reverse(r, "\(path).reverse") }
        return c
    }

    func transform(_ any: Any, _ path: String) throws(E) -> Transform {
        let expected = "expected one of \(Transform.names.joined(separator: ", "))"
        if let s = any as? String {
            switch s {
            case "trim": return .trim
            case "lower": return .lower
            case "upper": return .upper
            case "emptyToNull": return .emptyToNull
            case "parseTimestamp", "map": throw E(path: path, message: "transform \"\(s)\" needs parameters: write it as an object, e.g. {\"\(s)\": …}")
            default: throw E(path: path, message: "unknown transform \"\(s)\"; \(expected)")
            }
        }
        guard let o = any as? [String: Any] else { throw E(path: path, message: "expected a transform name or object, found \(kind(any))") }
        if let f = o["parseTimestamp"] {
            _ = try object(o, path, allowed: ["parseTimestamp", "zone"])
            // One pattern, or several tried in order (a legacy column written in several formats).
            var texts: [String] = []
            if let a = f as? [Any] {
                guard !a.isEmpty else { throw E(path: "\(path).parseTimestamp", message: "expected a pattern or a non-empty array of patterns") }
                for (i, x) in a.enumerated() { texts.append(try string(x, "\(path).parseTimestamp[\(i)]")) }
            } else {
                texts = [try string(f, "\(path).parseTimestamp")]
            }
            let pattern: TimePattern
            do { pattern = try TimePattern(anyOf: texts) } catch { throw E(path: "\(path).parseTimestamp", message: error.reason) }
            var zone = ZoneRule.fixed(0)
            if let z = o["zone"] { zone = try zoneRule(try string(z, "\(path).zone"), "\(path).zone") }
            return .parseTimestamp(pattern, zone: zone)
        }
        if let m = o["map"] {
            _ = try object(o, path, allowed: ["map", "unlisted"])
            let (table, keep) = try codeMap(m, unlisted: o["unlisted"], path, what: "code → value")
            return .map(table, keepUnlisted: keep)
        }
        let name = o.keys.sorted().first ?? ""
        throw E(path: path, message: "unknown transform \"\(name)\"; \(expected)")
    }

    /// A `map` object (text → value) and its `unlisted` choice (keep, or reject by default).
    func codeMap(_ m: Any, unlisted: Any?, _ path: String, what: String) throws(E) -> ([String: Value], keep: Bool) {
        guard let mo = m as? [String: Any] else { throw E(path: "\(path).map", message: "expected an object of \(what), found \(kind(m))") }
        var table: [String: Value] = [:]
        for k in mo.keys.sorted() { table[k] = try value(mo[k]!, "\(path).map.\(k)") }
        guard let u = unlisted else { return (table, false) }
        let s = try string(u, "\(path).unlisted")
        guard s == "keep" || s == "reject" else { throw E(path: "\(path).unlisted", message: "unknown value \"\(s)\"; expected one of keep, reject") }
        return (table, s == "keep")
    }

    func zoneRule(_ s: String, _ path: String) throws(E) -> ZoneRule {
        if s == "UTC" || s == "Z" { return .fixed(0) }
        if let p = try? TimePattern("%z"), let r = p.parse(s), let off = r.offsetSeconds { return .fixed(off) }
        if let tz = TimeZone(identifier: s) { return .named(tz) }
        throw E(path: path, message: "unknown zone \"\(s)\"; expected UTC, an offset like +01:00, or an IANA name like Europe/Berlin")
    }

    func rules(_ o: [String: Any], _ path: String) throws(E) -> [ValidationRule] {
        var out: [ValidationRule] = []
        for k in ValidationRule.names {
            guard let v = o[k] else { continue }
            let p = "\(path).\(k)"
            switch k {
            case "required":
                guard let n = v as? NSNumber, isBool(n) else { throw E(path: p, message: "expected true or false") }
                if n.boolValue { out.append(.required) }
            case "regex":
                let s = try string(v, p)
                do { out.append(.regex(RegexBox(try NSRegularExpression(pattern: s)), pattern: s)) } catch {
                    throw E(path: p, message: "not a valid regular expression: \(s)")
                }
            case "min": out.append(.min(try number(v, p)))
            case "max": out.append(.max(try number(v, p)))
            case "maxLength":
                let n = try number(v, p)
                // Int(exactly:) is nil for fractions and for numbers beyond Int (1e300), which Int(_:) traps on.
                guard n >= 0, let length = Int(exactly: n) else { throw E(path: p, message: "expected a whole number from 0 to \(Int.max)") }
                out.append(.maxLength(length))
            case "oneOf":
                guard let a = v as? [Any], !a.isEmpty else { throw E(path: p, message: "expected a non-empty array of values") }
                var vals: [Value] = []
                for (i, x) in a.enumerated() { vals.append(try value(x, "\(p)[\(i)]")) }
                out.append(.oneOf(vals))
            default: break
            }
        }
        return out
    }
}

