import Foundation
import TandemCore
import TandemSources

extension IngestBench {
    /// Seconds to decode one Debezium line at the default size limit (1 MiB) made of what once cost the square
    /// of its size: thousands of columns and Decimals at their length limit (1,024 unscaled bytes).
    static func wideDebeziumLineSeconds() -> (seconds: Double, bytes: Int) {
        var cols = [#"{"type":"int32","field":"id"}"#]
        var vals = [#""id":1"#]
        let decimal = Base64.encode([UInt8](repeating: 0x7F, count: 1024))
        var size = 0, i = 0
        while size < (1 << 20) - 4096 {
            if i % 2 == 0 {
                cols.append(#"{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","parameters":{"scale":"2"},"field":"d\#(i)"}"#)
                vals.append(#""d\#(i)":"\#(decimal)""#)
            } else {
                cols.append(#"{"type":"string","field":"s\#(i)"}"#)
                vals.append(#""s\#(i)":"v\#(i)""#)
            }
            size += cols.last!.utf8.count + vals.last!.utf8.count + 2
            i += 1
        }
        let line = Array((#"{"schema":{"type":"struct","fields":[{"type":"struct","field":"after","fields":[\#(cols.joined(separator: ","))]}]},"#
            + #""payload":{"after":{\#(vals.joined(separator: ","))},"source":{"table":"t"},"op":"c"}}"#).utf8)
        let start = now()
        _ = RawFormat.debezium.decode(line, position: "p")
        return (now() - start, line.count)
    }
}
