import TandemCore

extension DebeziumDecoder {
    /// The declared schema of the change in one Debezium line: its table's columns from the envelope's `after`
    /// (else `before`) struct schema, typed as `DebeziumTypes` decodes them (Decimal → decimal with its scale and
    /// precision, the time types → timestamp, int8…int64 → int, float → double, boolean, string, bytes); nil for a
    /// line without a schema block.
    public static func declaredSchema(_ line: [UInt8]) -> EntitySchema? {
        guard let root = try? JSONValue.parse(line),
              let schema = root["schema"], let table = root["payload"]?["source"]?["table"]?.string,
              let structs = schema["fields"]?.array else { return nil }
        let image = structs.first { $0["field"]?.string == "after" } ?? structs.first { $0["field"]?.string == "before" }
        guard let fields = image?["fields"]?.array, !fields.isEmpty else { return nil }
        var out = EntitySchema(entity: table, columns: [], types: [])
        for f in fields {
            guard let name = f["field"]?.string else { continue }
            out.columns.append(name)
            out.types.append(columnType(type: f["type"]?.string ?? "", name: f["name"]?.string, parameters: f["parameters"]))
        }
        return out
    }

    /// The declared type of one Connect field.
    static func columnType(type: String, name: String?, parameters: JSONValue?) -> ColumnType {
        func int(_ key: String) -> Int? {
            guard let v = parameters?[key] else { return nil }
            return v.int64.map { Int($0) } ?? v.string.flatMap { Int($0) }
        }
        switch name {
        case "org.apache.kafka.connect.data.Decimal":
            return ColumnType(kind: .decimal, precision: int("connect.decimal.precision"), scale: int("scale"))
        case "io.debezium.data.VariableScaleDecimal":
            return ColumnType(kind: .decimal)
        case "io.debezium.time.Date", "io.debezium.time.Timestamp", "org.apache.kafka.connect.data.Timestamp",
             "io.debezium.time.MicroTimestamp", "io.debezium.time.NanoTimestamp", "io.debezium.time.ZonedTimestamp",
             "io.debezium.time.IsoTimestamp", "io.debezium.time.IsoDate":
            return ColumnType(kind: .timestamp)
        default:
            break
        }
        switch type {
        case "boolean": return ColumnType(kind: .bool)
        case "int8", "int16", "int32", "int64": return ColumnType(kind: .int)
        case "float32", "float64", "double", "float": return ColumnType(kind: .double)
        case "string": return ColumnType(kind: .string)
        case "bytes": return ColumnType(kind: .bytes)
        default: return ColumnType(kind: .any)
        }
    }
}
