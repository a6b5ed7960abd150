import TandemCore
import XCTest
@testable import TandemPipeline

/// The request parser on its own: any bytes get an answer, and no accepted path names a parent directory.
final class HTTPRequestParserTests: XCTestCase {
    /// Seeded mutations of a valid head (the alphabet a path attack uses): every one is answered with
    /// 400, 405 or 505, or accepted with a path that is absolute and holds no `..`, backslash or NUL.
    func testAnyRequestHeadGetsAnAnswerAndNoAcceptedPathClimbs() {
        var random = SplitMix64(seed: 11)
        let alphabet = Array("/.%2eE5cCfF0\\\0\r\n :?#aHGETPOS".utf8) + [0x80, 0xC3, 0xFF, 9]
        let valid = Array("GET /metrics/a HTTP/1.1\r\nHost: localhost\r\nAccept: */*".utf8)
        var accepted = 0
        for _ in 0..<3000 {
            var head = valid
            for _ in 0...random.below(6) {
                let at = random.below(head.count + 1)
                switch random.below(3) {
                case 0: head.insert(alphabet[random.below(alphabet.count)], at: at)
                case 1: if at < head.count { head.remove(at: at) }
                default: if at < head.count { head[at] = alphabet[random.below(alphabet.count)] }
                }
            }
            switch HTTPRequestParser.parse(head: head[...]) {
            case .success(let request):
                accepted += 1
                XCTAssertTrue(request.path.hasPrefix("/"), request.path)
                XCTAssertFalse(request.path.contains("..") || request.path.contains("\\") || request.path.contains("\0")
                               || request.path.contains("//"), request.path)
                XCTAssertTrue(request.method == "GET" || request.method == "HEAD")
            case .failure(let rejection):
                XCTAssertTrue([400, 405, 505].contains(rejection.status.code), "\(rejection)")
            }
        }
        XCTAssertGreaterThan(accepted, 100, "the mutations should leave some heads valid")
    }

    func testHeaderFieldsAreReadCaseInsensitivelyWithValuesTrimmed() throws {
        let head = Array("GET /status?verbose=1 HTTP/1.1\r\nHOST: localhost\r\nAccept:\t text/plain ".utf8)  // the head ends before the CRLF CRLF
        let request = try HTTPRequestParser.parse(head: head[...]).get()
        XCTAssertEqual(request.path, "/status")
        XCTAssertEqual(request.query, "verbose=1")
        XCTAssertEqual(request.header("accept"), "text/plain")
        XCTAssertEqual(request.header("Host"), "localhost")
    }
}
