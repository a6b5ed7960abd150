import Dispatch
import Foundation
import Synchronization
import XCTest
@testable import TandemPipeline
import TandemTesting

/// The HTTP server over real sockets on 127.0.0.1: what it serves, and how it answers bad input and goes on.
final class HTTPServerTests: XCTestCase {
    /// Paths the handler was called with (bad requests must never reach it).
    private let seen = PathLog()

    private func startServer(_ limits: HTTPServerLimits = HTTPServerLimits(readTimeout: .seconds(1)),
                             handler: (@Sendable (HTTPRequest) -> HTTPResponse)? = nil) throws -> (HTTPServer, UInt16) {
        let seen = self.seen
        let server = try HTTPServer(listen: "127.0.0.1:0", limits: limits, handler: handler ?? { request in
            seen.paths.withLock { $0.append(request.path) }
            return request.path == "/metrics" ? .text("up 1\n") : .text("no such page\n", status: .notFound)
        })
        try server.start()
        addTeardownBlock { server.stop() }
        return (server, try XCTUnwrap(server.boundAddress?.port))
    }

    private func assertStillServes(_ port: UInt16, file: StaticString = #filePath, line: UInt = #line) {
        let response = RawHTTPClient.request(port: port, "/metrics", file: file, line: line)
        XCTAssertEqual(response?.status, 200, "the server stopped serving", file: file, line: line)
        XCTAssertEqual(response?.body, "up 1\n", file: file, line: line)
    }

    func testGetIsServedWithLengthTypeAndNoStoreHeaders() throws {
        let (_, port) = try startServer()
        let response = try XCTUnwrap(RawHTTPClient.request(port: port, "/metrics"))
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.body, "up 1\n")
        XCTAssertEqual(response.headers["content-length"], "5")
        XCTAssertEqual(response.headers["content-type"], "text/plain; charset=utf-8")
        XCTAssertEqual(response.headers["cache-control"], "no-store")
        XCTAssertEqual(response.headers["x-content-type-options"], "nosniff")
        XCTAssertEqual(response.headers["connection"], "close")
        XCTAssertNotNil(response.headers["date"])
        XCTAssertEqual(RawHTTPClient.request(port: port, "/nothing")?.status, 404)
    }

    func testHeadGetsTheHeadOfTheGetResponseWithoutItsBody() throws {
        let (_, port) = try startServer()
        let response = try XCTUnwrap(RawHTTPClient.request(port: port, "/metrics", method: "HEAD"))
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.headers["content-length"], "5")
        XCTAssertEqual(response.body, "")
        let refused = try XCTUnwrap(RawHTTPClient.request(port: port, "/../etc/passwd", method: "HEAD"))
        XCTAssertEqual(refused.status, 400)
        XCTAssertEqual(refused.body, "")
    }

    func testPathsReachTheHandlerNormalized() throws {
        let (_, port) = try startServer()
        XCTAssertEqual(RawHTTPClient.request(port: port, "//metrics/./")?.status, 200)
        XCTAssertEqual(RawHTTPClient.request(port: port, "/%6detrics?x=1")?.status, 200)
        XCTAssertEqual(seen.paths.withLock { $0 }, ["/metrics", "/metrics"])
    }

    func testPostGets405WithAllowAndTheServerKeepsServing() throws {
        let (_, port) = try startServer()
        for method in ["POST", "PUT", "DELETE", "OPTIONS"] {
            let client = try XCTUnwrap(RawHTTPClient(port: port))
            client.send("\(method) /metrics HTTP/1.1\r\nHost: localhost\r\nContent-Length: 11\r\n\r\nhello world")
            let response = try XCTUnwrap(client.readResponse(), method)
            XCTAssertEqual(response.status, 405, method)
            XCTAssertEqual(response.headers["allow"], "GET, HEAD", method)
        }
        XCTAssertEqual(seen.paths.withLock { $0 }, [])
        assertStillServes(port)
    }

    func testPathsThatClimbOutOfTheRootGet400AndNeverReachTheHandler() throws {
        let (_, port) = try startServer()
        let targets = ["/../../etc/passwd", "/metrics/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/%2E./etc",
                       "/.%2e/etc", "/a%2f..%2fb", "/a\\..\\b", "/a\\b", "/a%5cb", "/a%00b", "/a%0ab", "/a%zz",
                       "/a%c3%a4", "etc/passwd", "http://localhost/metrics", "*", "/a#b"]
        for target in targets {
            let response = RawHTTPClient.request(port: port, target)
            XCTAssertEqual(response?.status, 400, target)
        }
        XCTAssertEqual(seen.paths.withLock { $0 }, [])
        assertStillServes(port)
    }

    func testMalformedRequestsGet400AndTheServerKeepsServing() throws {
        let (_, port) = try startServer()
        let heads = [
            "GET /metrics HTTP/1.1\r\n\r\n",                                    // no Host
            "GET /metrics HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",              // two Hosts
            "GET /metrics HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n",              // obs-fold
            "GET /metrics HTTP/1.1\r\nHost : a\r\n\r\n",                        // space before colon
            "GET /metrics HTTP/1.1\r\nHost: a\nX: y\r\n\r\n",                   // bare LF
            "GET /metrics HTTP/1.1\r\nHost: a\rX: y\r\n\r\n",                   // bare CR
            "GET /metrics HTTP/1.1\r\nHost: a\0\r\n\r\n",                       // NUL
            "GET  /metrics HTTP/1.1\r\nHost: a\r\n\r\n",                        // two spaces
            "GET /metrics\r\nHost: a\r\n\r\n",                                  // no version
            "G(T /metrics HTTP/1.1\r\nHost: a\r\n\r\n",                         // method not a token
            "GET /metrics HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc", // a body on GET
            "GET /metrics HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            "\u{16}\u{03}\u{01}\u{02}\u{00}\u{01}\r\n\r\n",                     // a TLS hello, roughly
        ]
        for head in heads {
            let client = try XCTUnwrap(RawHTTPClient(port: port))
            client.send(head)
            XCTAssertEqual(client.readResponse()?.status, 400, head.debugDescription)
        }
        let client = try XCTUnwrap(RawHTTPClient(port: port))
        client.send("GET /metrics HTTP/2.0\r\nHost: a\r\n\r\n")
        XCTAssertEqual(client.readResponse()?.status, 505)
        XCTAssertEqual(seen.paths.withLock { $0 }, [])
        assertStillServes(port)
    }

    func testATenMegabyteHeaderGets431AndTheServerKeepsServing() throws {
        let (_, port) = try startServer()
        let client = try XCTUnwrap(RawHTTPClient(port: port))
        client.send("GET /metrics HTTP/1.1\r\nHost: localhost\r\nX-Big: ")
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 64 * 1024)
        var sent = 0
        // Keep sending until the server answers (it does after 16 KiB) or all 10 MB are out.
        while sent < 10 << 20, !client.isReadable(within: 0), client.send(chunk) { sent += chunk.count }
        let response = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(response.status, 431)
        XCTAssertLessThan(sent, 10 << 20, "the server read the whole 10 MB")
        assertStillServes(port)
    }

    func testASlowlorisGets408WithinTheDeadlineWhileOthersAreServed() throws {
        let (_, port) = try startServer(HTTPServerLimits(readTimeout: .milliseconds(800)))
        let slow = try XCTUnwrap(RawHTTPClient(port: port))
        let started = ContinuousClock.now
        let head = Array("GET /metrics HTTP/1.1\r\nHost: localhost\r\nX-Slow: ".utf8) + [UInt8](repeating: 97, count: 200)
        var sentBytes = 0
        // One byte every 20 ms, never finishing the head; a normal GET is served in the middle of it.
        for byte in head {
            if slow.isReadable(within: 20) { break }
            guard slow.send([byte]) else { break }
            sentBytes += 1
            if sentBytes == 5 { assertStillServes(port) }
        }
        let response = try XCTUnwrap(slow.readResponse(timeout: .seconds(3)))
        let elapsed = ContinuousClock.now - started
        XCTAssertEqual(response.status, 408)
        XCTAssertLessThan(elapsed, .seconds(3), "the read deadline was not kept")
        XCTAssertGreaterThanOrEqual(elapsed, .milliseconds(800))
        XCTAssertLessThan(sentBytes, head.count, "the slow client was never cut off")
        assertStillServes(port)
    }

    func testConnectionsBeyondTheLimitGet503AndTheServerRecovers() throws {
        let (server, port) = try startServer(HTTPServerLimits(readTimeout: .seconds(2), maxConnections: 2))
        let idle = [try XCTUnwrap(RawHTTPClient(port: port)), try XCTUnwrap(RawHTTPClient(port: port))]
        XCTAssertTrue(eventually { server.activeConnections == 2 })
        let extra = try XCTUnwrap(RawHTTPClient(port: port))
        let refused = try XCTUnwrap(extra.readResponse())
        XCTAssertEqual(refused.status, 503)
        XCTAssertEqual(refused.headers["retry-after"], "1")
        for client in idle { client.send("GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n") }
        XCTAssertEqual(idle.map { $0.readResponse()?.status }, [200, 200])
        XCTAssertTrue(eventually { server.activeConnections == 0 })
        assertStillServes(port)
    }

    func testBadInputLeavesNoDescriptorOpen() throws {
        let (server, port) = try startServer(HTTPServerLimits(readTimeout: .milliseconds(300), maxConnections: 4))
        let before = try XCTUnwrap(ProcessMetrics.current()).openFDs
        for target in ["/../../etc/passwd", "/%2e%2e/"] { _ = RawHTTPClient.request(port: port, target) }
        _ = RawHTTPClient.request(port: port, "/metrics", method: "POST")
        do {
            let big = try XCTUnwrap(RawHTTPClient(port: port))
            big.send("GET / HTTP/1.1\r\nX: " + String(repeating: "b", count: 64 * 1024))
            XCTAssertEqual(big.readResponse()?.status, 431)
            let silent = try XCTUnwrap(RawHTTPClient(port: port))
            XCTAssertEqual(silent.readResponse()?.status, 408)
            let leaving = try XCTUnwrap(RawHTTPClient(port: port))
            leaving.send("GET /metr")  // and goes away mid-head
        }
        assertStillServes(port)
        XCTAssertTrue(eventually { server.activeConnections == 0 && ProcessMetrics.current()?.openFDs == before },
                      "open descriptors: \(ProcessMetrics.current()?.openFDs ?? -1), before: \(before)")
    }

    func testStopLetsARequestInTheHandlerFinishAndThenClosesTheListener() throws {
        let entered = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        let (server, port) = try startServer { _ in
            entered.signal()
            release.wait()
            return .text("finished\n")
        }
        let fdsBeforeStop = try XCTUnwrap(ProcessMetrics.current()).openFDs
        let client = try XCTUnwrap(RawHTTPClient(port: port))
        client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        XCTAssertEqual(entered.wait(timeout: .now() + 10), .success)
        let stopped = DispatchSemaphore(value: 0)
        Thread.detachNewThread { server.stop(); stopped.signal() }
        XCTAssertTrue(eventually { RawHTTPClient(port: port) == nil }, "the listener still accepts after stop()")
        XCTAssertEqual(stopped.wait(timeout: .now() + .milliseconds(50)), .timedOut, "stop() did not wait for the request")
        release.signal()
        XCTAssertEqual(client.readResponse()?.body, "finished\n")
        XCTAssertEqual(stopped.wait(timeout: .now() + 10), .success)
        // The listener and the wake pipe are gone; only the test's own client socket is left.
        XCTAssertEqual(ProcessMetrics.current()?.openFDs, fdsBeforeStop - 3 + 1)
    }

    func testIPv6LoopbackIsServed() throws {
        let server = try HTTPServer(listen: "[::1]:0") { _ in .text("six\n") }
        try server.start()
        defer { server.stop() }
        let port = try XCTUnwrap(server.boundAddress?.port)
        XCTAssertEqual(server.boundAddress?.description, "[::1]:\(port)")
        XCTAssertEqual(RawHTTPClient.request(port: port, "/", ipv6: true)?.body, "six\n")
    }

    func testATakenPortFailsWithAddressInUseNamingThePort() throws {
        let (_, port) = try startServer()
        let second = try HTTPServer(listen: "localhost:\(port)") { _ in .text("") }
        XCTAssertThrowsError(try second.start()) { error in
            XCTAssertEqual(error as? HTTPServerError, .addressInUse("127.0.0.1:\(port)", port: port))
            XCTAssertTrue("\(error)".contains("address in use: 127.0.0.1:\(port)"), "\(error)")
        }
        assertStillServes(port)
    }

    func testNothingListensBeyondLoopbackUnlessAllowed() throws {
        for address in ["0.0.0.0:0", "192.0.2.1:9187", "[::]:0"] {
            XCTAssertThrowsError(try HTTPServer(listen: address) { _ in .text("") }) { error in
                XCTAssertEqual(error as? HTTPServerError, .notLoopback(try! HTTPListenAddress(parsing: address).description))
            }
        }
        let open = try HTTPServer(listen: "0.0.0.0:0", allowNonLoopback: true) { _ in .text("") }
        try open.start()
        XCTAssertNotEqual(open.boundAddress?.port, 0)
        open.stop()
    }

    func testListenAddressesAreParsedStrictly() throws {
        let v4 = try HTTPListenAddress(parsing: "127.0.0.1:9187")
        XCTAssertEqual([v4.host, "\(v4.port)", "\(v4.isLoopback)"], ["127.0.0.1", "9187", "true"])
        XCTAssertEqual(try HTTPListenAddress(parsing: "localhost:80").description, "127.0.0.1:80")
        XCTAssertEqual(try HTTPListenAddress(parsing: "[::1]:0").description, "[::1]:0")
        XCTAssertTrue(try HTTPListenAddress(parsing: "127.5.0.1:1").isLoopback)
        XCTAssertFalse(try HTTPListenAddress(parsing: "[::ffff:10.0.0.1]:1").isLoopback)
        for bad in ["127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1:+80", "::1:80",
                    "[::1]80", "example.com:80", ":80", "127.0.0.1:80 ", "[127.0.0.1]:80"] {
            XCTAssertThrowsError(try HTTPListenAddress(parsing: bad), bad) { error in
                guard case .invalidAddress(bad, _)? = error as? HTTPServerError else { return XCTFail("\(error)") }
            }
        }
    }
}

/// The paths a handler was called with, shared with its threads.
private final class PathLog: Sendable {
    let paths = Mutex<[String]>([])
}
