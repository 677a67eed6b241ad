import ETLHTTP
import ETLKit
import ETLTestSupport
import Foundation
import Logging
import Testing

@testable import ETLPlugins

/// Which failures the `http` fetcher retries (issue #10, point 2): transient ones (a reset, a 5xx)
/// are tried `retries` more times; a response that breaks HTTP gets the same answer every time, so
/// it fails after one request. The server's request log is the evidence.
@Suite struct RetryTests {
    let context = RunContext(logger: Logger(label: "etl.tests.retry"))

    /// A response no HTTP encoder writes, and the CURLcodes libcurl gives it (7.88 and later).
    struct BrokenResponse: Sendable, CustomTestStringConvertible {
        var name: String
        var bytes: [UInt8]
        var codes: Set<Int>
        var testDescription: String { name }

        static let all: [BrokenResponse] = [
            // One header line of 300 KiB: libcurl 7.88 takes at most 100 KiB (27, "Out of memory"; 100 from 8.6).
            BrokenResponse(
                name: "oversized headers",
                bytes: Array(("HTTP/1.1 200 OK\r\nX-Big: " + String(repeating: "a", count: 300 * 1024) + "\r\nContent-Length: 2\r\n\r\nok").utf8),
                codes: [27, 100, 56]),
            // "zz" is not a chunk size (56, the code of a reset too).
            BrokenResponse(
                name: "broken chunked encoding",
                bytes: Array("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n".utf8),
                codes: [56]),
            BrokenResponse(
                name: "malformed status line",
                bytes: Array("HTTP/1.1 abc Nonsense\r\nContent-Length: 2\r\n\r\nok".utf8),
                codes: [1, 8]),
            BrokenResponse(
                name: "no status line at all",
                bytes: Array("garbage\r\n\r\nok".utf8),
                codes: [1, 8]),
            BrokenResponse(
                name: "invalid content encoding",
                bytes: Array("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\nContent-Length: 10\r\n\r\nnot gzip!!".utf8),
                codes: [61]),
        ]
    }

    static func fetcher(retries: Int) throws -> HTTPFetcher {
        try HTTPFetcher(
            options: PluginOptions([
                "robots": false, "delay": 0, "retries": .integer(retries), "backoff": 0.01,
                "allowPrivate": ["127.0.0.0/8"],
            ]))
    }

    func fetchError(_ fetcher: HTTPFetcher, _ url: String) async throws -> HTTPFetchError {
        try await #require(throws: HTTPFetchError.self) {
            _ = try await fetcher.fetch(Record(url: url, source: "test"), context: context)
        }
    }

    @Test(arguments: BrokenResponse.all)
    func aResponseThatBreaksHTTPIsRequestedOnce(response: BrokenResponse) async throws {
        try await TestHTTPServer.run(routes: { _ in .fault(.raw(response.bytes)) }) { server in
            let url = server.url("/broken")
            let error = try await fetchError(try Self.fetcher(retries: 2), url)
            guard error.code == .protocolViolation, let code = error.curlCode else {
                Issue.record("expected a protocol violation, got \(error)")
                return
            }
            #expect(error.url == url)
            #expect(response.codes.contains(code), "curl error \(code)")
            #expect(error.attempts == 1)
            #expect(error.description.contains("not retried"), "\(error)")
            #expect(server.exchanges.count == 1)
        }
    }

    @Test func aResetIsRetriedAndLeavesNoTraceOnTheNextFetch() async throws {
        let chunked = BrokenResponse.all[1].bytes
        try await TestHTTPServer.run(routes: { request in
            request.path == "/reset" ? .fault(.reset) : .fault(.raw(chunked))
        }) { server in
            let fetcher = try Self.fetcher(retries: 2)
            let reset = try await fetchError(fetcher, server.url("/reset"))
            guard reset.code == .failedAfterAttempts, reset.attempts == 3, reset.wrapped?.code == .networkFailure, reset.wrapped?.curlCode == 56 else {
                Issue.record("expected a reset retried twice, got \(reset)")
                return
            }
            #expect(server.exchanges.count == 3)
            // The handles that saw the reset are not reused with its errno: the chunked error that
            // follows (also curl error 56) is still told from a reset.
            let broken = try await fetchError(fetcher, server.url("/chunked"))
            #expect(broken.attempts == 1, "\(broken)")
            #expect(server.exchanges.filter { $0.request.path == "/chunked" }.count == 1)
        }
    }

    @Test func aPipelineSendsAProtocolViolationToTheDeadLettersAfterOneRequest() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try await TestHTTPServer.run(routes: { _ in .fault(.raw(BrokenResponse.all[1].bytes)) }) { server in
            let pipeline = try PipelineLoader(registry: .builtins, environment: ["OUT": folder.url.path]).load(
                text: """
                    {
                      "sources": [{ "use": "urls", "urls": ["\(server.url("/chunked"))"] }],
                      "fetch": [{ "use": "http", "delay": 0, "robots": false, "retries": 3, "backoff": 0.01 }],
                      "sinks": [{ "use": "jsonl", "path": "${OUT}/out.jsonl" }],
                      "deadLetters": { "use": "jsonl", "path": "${OUT}/dead.jsonl" }
                    }
                    """)
            let summary = try await PipelineRunner(pipeline: pipeline).run()
            #expect(summary.deadLetters == 1)
            #expect(server.exchanges.count == 1)
            let dead = try readJSONLines(folder.path("dead.jsonl"))
            #expect((dead.first?["reason"] as? String)?.contains("chunked") == true, "\(dead)")
        }
    }
}
