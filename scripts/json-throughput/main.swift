// Throughput sanity check of the event JSON hot path (not a test: speed goals are not asserted in tests).
// Run from the repo root: scripts/json-throughput/run  — builds TandemCore's sources with -O into one binary.
import Glibc

/// A ~200-byte event line (the size issue 3's goals are stated for), distinct per k.
func sample(_ k: Int) -> Event {
    Event(seq: UInt64(k + 1), sourcePosition: "c.log:\(4711 + k * 180)",
          committedAt: Timestamp(microseconds: 1_795_514_400_000_000 + Int64(k) * 1_000),
          entity: "customers", key: ["id": .int(Int64(k))], op: .update,
          after: ["id": .int(Int64(k)), "email": .string("u\(k)@ex.com"), "balance": .decimal("10.50"),
                  "score": .double(0.25 * Double(k % 100))],
          tenant: "acme")
}

func now() -> Double { var t = timespec(); clock_gettime(CLOCK_MONOTONIC, &t); return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9 }

let n = 500_000
let events = (0..<n).map(sample)
let lines: [[UInt8]] = events.map { EventJSON.encode($0) }
let bytes = lines.reduce(0) { $0 + $1.count }
print("events: \(n), average line: \(bytes / n) bytes, e.g. \(String(decoding: lines[7], as: UTF8.self))")

var best = (print: 0.0, parse: 0.0, value: 0.0)
for _ in 0..<5 {
    var out: [UInt8] = []
    out.reserveCapacity(1 << 12)
    var check = 0
    var t0 = now()
    for e in events { out.removeAll(keepingCapacity: true); EventJSON.encode(e, into: &out); check &+= out.count }
    best.print = max(best.print, Double(n) / (now() - t0))
    t0 = now()
    for l in lines { check &+= try! l.withUnsafeBytes { try EventJSON.decode($0) }.key.count }
    best.parse = max(best.parse, Double(n) / (now() - t0))
    t0 = now()
    for l in lines { check &+= try! l.withUnsafeBytes { try JSONValue.parse($0) }.object!.count }
    best.value = max(best.value, Double(n) / (now() - t0))
    precondition(check != 0)
}
func rate(_ eps: Double) -> String {
    "\(Int(eps / 1000)) k events/s, \(Int(eps * Double(bytes) / Double(n) / 1_000_000)) MB/s"
}
print("print  EventJSON.encode : \(rate(best.print))   (goal >= 1.5 M events/s)")
print("parse  EventJSON.decode : \(rate(best.parse))   (goal >= 1 M events/s)")
print("parse  JSONValue.parse  : \(rate(best.value))")
