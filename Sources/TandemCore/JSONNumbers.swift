/// Converting JSON number text to and from Int64 and Double without Foundation.
enum JSONNumbers {
    /// The Int64 of validated integer text in `b[start..<end]`, or nil when it does not fit.
    @inline(__always) static func int64(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int64? {
        var j = start
        let negative = b[j] == UInt8(ascii: "-")
        if negative { j += 1 }
        // Up to 18 digits cannot overflow UInt64; longer ones are checked digit by digit.
        var mag: UInt64 = 0
        if end - j <= 18 {
            while j < end { mag = mag &* 10 &+ UInt64(b[j] &- 48); j += 1 }
        } else {
            while j < end {
                let (m, o1) = mag.multipliedReportingOverflow(by: 10)
                let (s, o2) = m.addingReportingOverflow(UInt64(b[j] &- 48))
                if o1 || o2 { return nil }
                mag = s; j += 1
            }
        }
        if negative {
            if mag > UInt64(Int64.max) + 1 { return nil }
            return mag == UInt64(Int64.max) + 1 ? Int64.min : -Int64(mag)
        }
        return mag > UInt64(Int64.max) ? nil : Int64(mag)
    }

    /// The UInt64 of validated non-negative integer text in `b[start..<end]`, or nil when it does not fit.
    static func uint64(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> UInt64? {
        guard b[start] != UInt8(ascii: "-") else { return nil }
        var v: UInt64 = 0
        for j in start..<end {
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(UInt64(b[j] &- 48))
            if o1 || o2 { return nil }
            v = s
        }
        return v
    }

    private static let exactPowers: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// The correctly rounded Double of validated number text in `b[start..<end]`.
    static func double(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Double {
        // Clinger's fast path: a mantissa below 2^53 and a power of ten up to 22 are both exact doubles,
        // so one multiplication or division rounds correctly. Everything else goes to the C library.
        var j = start
        let negative = b[j] == UInt8(ascii: "-")
        if negative { j += 1 }
        var mantissa: UInt64 = 0
        var digits = 0
        var exp10 = 0
        while j < end, b[j] &- 48 < 10 {
            mantissa = mantissa &* 10 &+ UInt64(b[j] &- 48); digits += 1; j += 1
        }
        if j < end && b[j] == UInt8(ascii: ".") {
            j += 1
            while j < end, b[j] &- 48 < 10 {
                mantissa = mantissa &* 10 &+ UInt64(b[j] &- 48); digits += 1; exp10 -= 1; j += 1
            }
        }
        if j < end {  // exponent
            j += 1
            var expNegative = false
            if b[j] == UInt8(ascii: "+") { j += 1 } else if b[j] == UInt8(ascii: "-") { expNegative = true; j += 1 }
            var e = 0
            while j < end && e < 100_000 { e = e * 10 + Int(b[j] &- 48); j += 1 }
            exp10 += expNegative ? -e : e
        }
        if digits <= 15 && mantissa < (1 << 53) && exp10 >= -22 && exp10 <= 22 {
            var d = Double(mantissa)
            if exp10 < 0 { d /= exactPowers[-exp10] } else { d *= exactPowers[exp10] }
            return negative ? -d : d
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: b[start..<end]), as: UTF8.self)
        // The text is a valid JSON number, which Swift's parser (strtod) always accepts.
        return Double(text) ?? .nan
    }

    /// Appends the decimal digits of `v` to `out`.
    @inline(__always) static func write(_ v: Int64, into out: inout [UInt8]) {
        if v >= 0 && v < 10 { out.append(UInt8(v) &+ 48); return }
        write(magnitude: v.magnitude, negative: v < 0, into: &out)
    }

    /// Appends the decimal digits of `v` to `out`.
    @inline(__always) static func write(_ v: UInt64, into out: inout [UInt8]) {
        if v < 10 { out.append(UInt8(v) &+ 48); return }
        write(magnitude: v, negative: false, into: &out)
    }

    static func write(magnitude: UInt64, negative: Bool, into out: inout [UInt8]) {
        var mag = magnitude
        // 20 digits hold UInt64.max; built right to left in a stack buffer.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 21) { buf in
            var k = 21
            repeat {
                k -= 1
                buf[k] = UInt8(truncatingIfNeeded: mag % 10) &+ 48
                mag /= 10
            } while mag > 0
            if negative { k -= 1; buf[k] = UInt8(ascii: "-") }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[k..<21]))
        }
    }

    /// Appends a finite double as JSON number text that reads back as the same double.
    ///
    /// Swift's `description` is the shortest text that round-trips and always has a '.' or an exponent
    /// (e.g. `1.0`, `-0.0`, `5e-324`, `1e+16`), so it also reads back as a double, not an integer.
    @inline(__always) static func write(_ d: Double, into out: inout [UInt8]) {
        var s = d.description
        s.withUTF8 { out.append(contentsOf: $0) }
    }
}
