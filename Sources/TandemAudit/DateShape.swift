import TandemSources

extension TextClassifier {
    /// A date or date-time in one of the shapes legacy systems write, with its `parseTimestamp` format:
    /// `%Y-%m-%d`, `%Y/%m/%d`, `%d.%m.%Y`, `%d/%m/%Y` or `%m/%d/%Y` (these three also with `%y`), `%d-%b-%Y`,
    /// `%d %b %Y`, each optionally
    /// followed by a time `%H:%M[:%S[.%f]]` (after `T` or a space for ISO dates, a space otherwise) and `%z`.
    /// Field ranges are checked loosely here (month 1–12, day 1–31); the profiler confirms with `TimePattern`.
    static func date(_ b: UnsafeRawBufferPointer) -> TextShape? {
        guard b.count >= 8, b.count <= 40, isDigit(b[0]) else { return nil }
        var i = 0
        func digits() -> (value: Int, count: Int) {
            var v = 0, n = 0
            while i < b.count, isDigit(b[i]), n < 9 { v = v * 10 + Int(b[i] - 48); i += 1; n += 1 }
            return (v, n)
        }
        func take(_ c: UInt8) -> Bool { if i < b.count, b[i] == c { i += 1; return true }; return false }
        let first = digits()
        var base: Int
        var shape = TextShape(pattern: .date)
        var isoLike = false
        guard i < b.count else { return nil }
        let sep = b[i]
        if first.count == 4, sep == 45 || sep == 47 {  // 2024-03-05, 2024/03/05
            i += 1
            let m = digits(); guard m.count == 2, take(sep) else { return nil }
            let d = digits(); guard d.count == 2, (1...12).contains(m.value), (1...31).contains(d.value) else { return nil }
            base = sep == 45 ? 0 : 1
            isoLike = sep == 45
        } else if (1...2).contains(first.count), sep == 46 || sep == 47 {  // 05.03.2024, 05/03/2024
            i += 1
            let second = digits(); guard (1...2).contains(second.count), take(sep) else { return nil }
            let y = digits(); guard y.count == 4 || y.count == 2 else { return nil }
            let shortYear = y.count == 2 ? 7 : 0  // the %y variants follow the seven %Y bases
            if sep == 46 {
                guard (1...31).contains(first.value), (1...12).contains(second.value) else { return nil }
                base = 2 + shortYear
            } else if first.value > 12 {
                guard first.value <= 31, (1...12).contains(second.value) else { return nil }
                base = 3 + shortYear; shape.slashDayFirst = true
            } else {
                guard first.value >= 1, (1...31).contains(second.value) else { return nil }
                base = 4 + shortYear; shape.slashAmbiguous = second.value <= 12
            }
        } else if (1...2).contains(first.count), sep == 45 || sep == 32 {  // 05-Mar-2024, 5 Mar 2024
            i += 1
            guard i + 3 <= b.count else { return nil }
            let word = [b[i] | 0x20, b[i + 1] | 0x20, b[i + 2] | 0x20]
            guard monthNames.contains(word) else { return nil }
            i += 3
            guard take(sep) else { return nil }
            let y = digits(); guard y.count == 4, (1...31).contains(first.value) else { return nil }
            base = sep == 45 ? 5 : 6
        } else {
            return nil
        }
        var separator = 0, time = 0, zone = 0
        if i < b.count {
            // A time part.
            if isoLike, b[i] == 84 { separator = 1 } else if b[i] == 32 { separator = 2 } else { return nil }
            i += 1
            let h = digits(); guard (1...2).contains(h.count), h.value <= 23, take(58) else { return nil }
            let mi = digits(); guard mi.count == 2, mi.value <= 59 else { return nil }
            time = 1
            if take(58) {
                let s = digits(); guard s.count == 2, s.value <= 59 else { return nil }
                time = 2
                if take(46) { guard digits().count >= 1 else { return nil }; time = 3 }
            }
            if i < b.count {
                if b[i] == 90 { i += 1 } else if b[i] == 43 || b[i] == 45 {
                    i += 1
                    guard digits().count == 2 else { return nil }
                    _ = take(58)
                    guard digits().count == 2 else { return nil }
                } else { return nil }
                zone = 1
            }
            guard i == b.count else { return nil }
        }
        shape.dateIndex = dateIndex(base, separator, time, zone)
        return shape
    }

    static func dateIndex(_ base: Int, _ separator: Int, _ time: Int, _ zone: Int) -> Int {
        ((base * 3 + separator) * 4 + time) * 2 + zone
    }

    /// Every date format the shapes can name, by `dateIndex` (made once: no string is built per value).
    static let dateFormats: [String] = {
        let bases = ["%Y-%m-%d", "%Y/%m/%d", "%d.%m.%Y", "%d/%m/%Y", "%m/%d/%Y", "%d-%b-%Y", "%d %b %Y",
                     "-", "-", "%d.%m.%y", "%d/%m/%y", "%m/%d/%y", "-", "-"]
        var out: [String] = []
        for base in bases {
            for separator in ["", "T", " "] {
                for time in ["", "%H:%M", "%H:%M:%S", "%H:%M:%S.%f"] {
                    for zone in ["", "%z"] { out.append(base + (time.isEmpty ? "" : separator + time) + (time.isEmpty ? "" : zone)) }
                }
            }
        }
        return out
    }()

    /// The compiled `TimePattern` of each format, to confirm a date parses as the mapping will parse it.
    static let datePatterns: [TimePattern?] = dateFormats.map { try? TimePattern($0) }

    static let monthNames: [[UInt8]] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"].map { Array($0.utf8) }
}
