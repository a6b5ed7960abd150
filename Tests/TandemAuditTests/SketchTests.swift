import Foundation
import TandemAudit
import XCTest

/// The sketches and classifiers the profile is built from.
final class SketchTests: XCTestCase {
    func testHyperLogLogStaysWithinItsStatedError() {
        for n in [1, 100, 5_000, 200_000] {
            var h = HyperLogLog()
            for i in 0..<n {
                var s = "customer-\(i)@example.com"
                s.withUTF8 { h.add(hash: auditHash(UnsafeRawBufferPointer($0))) }
                s.withUTF8 { h.add(hash: auditHash(UnsafeRawBufferPointer($0))) }  // repeats do not count
            }
            let error = abs(Double(h.estimate - n)) / Double(n)
            XCTAssertLessThan(error, 3 * HyperLogLog.standardError, "n = \(n), estimate \(h.estimate)")
        }
    }

    func testMisraGriesKeepsTheFrequentValuesWithBoundedUndercounts() {
        var c = ValueCounts(exactLimit: 16, capacity: 8)
        // "hot" is a fifth of the values, above N/(capacity+1) = 10000/9.
        for i in 0..<10_000 { c.add(hash: auditHash(UInt64(i % 5 == 0 ? 1 : 1000 + i))) { i % 5 == 0 ? "hot" : "cold" } }
        XCTAssertFalse(c.isExact)
        let hot = c.entries.values.first { $0.text == "hot" }
        XCTAssertNotNil(hot, "a value above N/(capacity+1) is always held")
        guard let hot else { return }
        XCTAssertLessThanOrEqual(hot.count, 2000)
        XCTAssertGreaterThanOrEqual(hot.count + c.undercount, 2000)
        XCTAssertLessThanOrEqual(c.undercount, 10_000 / 9)
        XCTAssertLessThanOrEqual(c.entries.count, 8)
    }

    func testProfilerMemoryDoesNotGrowWithDistinctValues() {
        var p = ColumnProfiler(name: "email", declaredType: "TEXT")
        for i in 0..<20_000 {
            var s = "user\(i)@example.com"
            s.withUTF8 { p.observe(.text(UnsafeRawBufferPointer($0)), tenant: nil) }
        }
        XCTAssertFalse(p.isExact)
        XCTAssertLessThanOrEqual(p.topValues(100).count, ColumnProfiler.topCapacity, "only the summary's counters are held")
        XCTAssertEqual(Double(p.distinct), 20_000, accuracy: 20_000 * 3 * HyperLogLog.standardError)
        XCTAssertEqual(p.patterns[.email], 20_000)
        XCTAssertNil(p.caseVariants, "case variants are not claimed once values are sketched")
    }

    func testTextClassesAndDateFormats() {
        func shape(_ s: String) -> (TextPattern, String?) {
            var s = s
            return s.withUTF8 { b in
                let r = TextClassifier.classify(UnsafeRawBufferPointer(b))
                return (r.pattern, r.dateFormat)
            }
        }
        XCTAssertEqual(shape("ana@example.co.uk").0, .email)
        XCTAssertEqual(shape("ana@example").0, .other)
        XCTAssertEqual(shape("ana@@example.com").0, .other)
        XCTAssertEqual(shape("https://example.com/x?y=1").0, .url)
        XCTAssertEqual(shape("123e4567-e89b-12d3-a456-426614174000").0, .uuid)
        XCTAssertEqual(shape("+49 30 1234567").0, .phone)
        XCTAssertEqual(shape("(555) 123-4567").0, .phone)
        XCTAssertEqual(shape("4711").0, .integer)
        XCTAssertEqual(shape("-10.5e3").0, .decimal)
        XCTAssertEqual(shape("Yes").0, .boolean)
        XCTAssertEqual(shape("2024-03-05").1, "%Y-%m-%d")
        XCTAssertEqual(shape("2024-03-05T10:11:12.5+01:00").1, "%Y-%m-%dT%H:%M:%S.%f%z")
        XCTAssertEqual(shape("2024-03-05 10:11").1, "%Y-%m-%d %H:%M")
        XCTAssertEqual(shape("5.3.2024").1, "%d.%m.%Y")
        XCTAssertEqual(shape("25/03/2024").1, "%d/%m/%Y")
        XCTAssertEqual(shape("03/25/2024").1, "%m/%d/%Y")
        XCTAssertEqual(shape("05-Mar-2024").1, "%d-%b-%Y")
        XCTAssertEqual(shape("2024/03/05").1, "%Y/%m/%d")
        XCTAssertNotEqual(shape("2024-13-05").0, .date, "no month 13")
    }
}
