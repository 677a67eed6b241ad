import ETLHTTP
import ETLKit
import ETLTestSupport
import Foundation
import Logging
import Testing

@testable import ETLPlugins

/// The `http` fetcher against a real server on 127.0.0.1: decoding, statuses, redirects, limits,
/// timeouts, per-host concurrency, cancellation.
@Suite struct HTTPFetcherTests {
    let context = RunContext(logger: Logger(label: "etl.tests.http"))

    /// The fetcher without politeness and retries (their own tests turn them on), so these tests
    /// see one request per fetch; `options` add to or replace these.
    static func fetcher(_ options: [String: JSONValue] = [:]) throws -> HTTPFetcher {
        let quiet: [String: JSONValue] = ["robots": false, "delay": 0, "retries": 0, "allowPrivate": ["127.0.0.0/8", "localhost"]]
        return try HTTPFetcher(options: PluginOptions(quiet.merging(options) { $1 }))
    }

    func fetch(_ url: String, options: [String: JSONValue] = [:]) async throws -> Record {
        let fetcher = try Self.fetcher(options)
        return try await fetcher.fetch(Record(url: url, source: "test"), context: context)
    }

    /// The error a fetch throws, required to be an ``HTTPFetchError``.
    func fetchError(_ url: String, options: [String: JSONValue] = [:]) async throws -> HTTPFetchError {
        try await #require(throws: HTTPFetchError.self) {
            _ = try await fetch(url, options: options)
        }
    }

    // MARK: Decoding

    @Test func utf8PageKeepsZeroWidthNonJoinerRawAndAsEntity() async throws {
        let page = "<html><head><title>ت</title></head><body><p>می\u{200C}خواهم و می&zwnj;روم</p></body></html>"
        try await TestHTTPServer.run(routes: { _ in .html(page) }) { server in
            let url = server.url("/utf8")
            let record = try await fetch(url)
            let document = try #require(record.document)
            #expect(document.text == page)
            #expect(document.text.unicodeScalars.filter { $0 == "\u{200C}" }.count == 1)
            #expect(document.text.contains("&zwnj;"))
            #expect(document.charset == "utf-8")
            #expect(document.mediaType == "text/html")
            let response = try #require(record.response)
            #expect(response.status == 200)
            #expect(response.finalURL == url)
            #expect(response.bodySize == page.utf8.count)
            #expect(response.header("Content-Type") == "text/html; charset=utf-8")
            #expect(response.totalTime > 0 && response.totalTime < 2)
        }
    }

    @Test func windows1256PageWithCharsetHeader() async throws {
        let bytes = Array("<html><body><p>".utf8) + CharsetSample.arabicWindows1256 + Array("</p></body></html>".utf8)
        try await TestHTTPServer.run(routes: { _ in .html(bytes, contentType: "text/html; charset=windows-1256") }) { server in
            let document = try #require(try await fetch(server.url("/1256")).document)
            #expect(document.text == "<html><body><p>\(CharsetSample.arabicText)</p></body></html>")
            #expect(document.text.unicodeScalars.contains("\u{200C}"))
            #expect(document.charset == "windows-1256")
        }
    }

    @Test func windows1256PageWithOnlyAMetaDeclaration() async throws {
        let head = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1256\"></head><body>"
        let bytes = Array(head.utf8) + CharsetSample.arabicWindows1256 + Array("</body></html>".utf8)
        try await TestHTTPServer.run(routes: { _ in .html(bytes, contentType: "text/html") }) { server in
            let document = try #require(try await fetch(server.url("/meta")).document)
            #expect(document.text == head + CharsetSample.arabicText + "</body></html>")
            #expect(document.charset == "windows-1256")
        }
    }

    @Test func gzipEncodedBodyIsDecompressed() async throws {
        let page = "<p>" + String(repeating: "فشرده\u{200C}سازی ", count: 500) + "</p>"
        let compressed = try gzip(Array(page.utf8))
        let response = TestResponse(
            headers: [(name: "content-type", value: "text/html; charset=utf-8"), (name: "content-encoding", value: "gzip")], body: compressed)
        try await TestHTTPServer.run(routes: { _ in response }) { server in
            let record = try await fetch(server.url("/gzip"))
            #expect(record.document?.text == page)
            #expect(record.response?.bodySize == page.utf8.count)
            #expect(server.exchanges.first?.request.header("accept-encoding")?.contains("gzip") == true)
        }
    }

    // MARK: Statuses and redirects

    @Test func notFoundIsAnErrorCarryingTheStatus() async throws {
        try await TestHTTPServer.run(routes: { _ in .notFound }) { server in
            let url = server.url("/missing")
            let error = try await fetchError(url)
            #expect(error == .httpStatus(url: url, finalURL: url, status: 404))
            #expect(error.status == 404)
            #expect(error.description.contains(url))
            #expect(error.description.contains("404"))
        }
    }

    @Test func redirectChainEndsAtTheLastURLWithItsHeaders() async throws {
        let routes: @Sendable (TestRequest) -> TestResponse = { request in
            switch request.path {
            case "/start": return .redirect(to: "/middle", status: 301, headers: [(name: "x-hop", value: "1")])
            case "/middle": return .redirect(to: "/final", headers: [(name: "x-hop", value: "2")])
            case "/final":
                return TestResponse(headers: [(name: "content-type", value: "text/html"), (name: "x-hop", value: "final")], body: Array("<p>done</p>".utf8))
            default: return .notFound
            }
        }
        try await TestHTTPServer.run(routes: routes) { server in
            let record = try await fetch(server.url("/start"))
            let response = try #require(record.response)
            #expect(response.finalURL == server.url("/final"))
            #expect(response.status == 200)
            #expect(response.headers.filter { $0.name == "x-hop" }.map(\.value) == ["final"])
            #expect(record.url == server.url("/start"))
            #expect(record.document?.text == "<p>done</p>")
            #expect(server.exchanges.map(\.request.path) == ["/start", "/middle", "/final"])
        }
    }

    // MARK: Limits

    @Test func bodyWithContentLengthOverMaxBytesIsAnError() async throws {
        let body = [UInt8](repeating: UInt8(ascii: "a"), count: 50_000)
        try await TestHTTPServer.run(routes: { _ in .html(body) }) { server in
            let url = server.url("/big")
            let error = try await fetchError(url, options: ["maxBytes": 10_000])
            #expect(error == .tooLarge(url: url, limit: 10_000))
            // Exactly at the limit is fine.
            let record = try await fetch(url, options: ["maxBytes": 50_000])
            #expect(record.response?.bodySize == 50_000)
        }
    }

    @Test func chunkedBodyOverMaxBytesIsStoppedByTheWriteCallback() async throws {
        let body = [UInt8](repeating: UInt8(ascii: "a"), count: 200_000)
        let response = TestResponse(headers: [(name: "content-type", value: "text/html"), (name: "transfer-encoding", value: "chunked")], body: body)
        try await TestHTTPServer.run(routes: { _ in response }) { server in
            let url = server.url("/chunked")
            let error = try await fetchError(url, options: ["maxBytes": 10_000])
            #expect(error == .tooLarge(url: url, limit: 10_000))
        }
    }

    @Test func gzipBombStopsAtMaxBytes() async throws {
        // 8 MB of zeros compress to about 8 KB: only the decompressed count can stop them.
        let compressed = try gzip([UInt8](repeating: 0x20, count: 8_000_000))
        #expect(compressed.count < 100_000)
        let response = TestResponse(headers: [(name: "content-type", value: "text/html"), (name: "content-encoding", value: "gzip")], body: compressed)
        try await TestHTTPServer.run(routes: { _ in response }) { server in
            let url = server.url("/bomb")
            let error = try await fetchError(url, options: ["maxBytes": 1_000_000])
            #expect(error == .tooLarge(url: url, limit: 1_000_000))
        }
    }

    @Test func timeoutIsAnError() async throws {
        try await TestHTTPServer.run(routes: { _ in .html("<p>late</p>", delay: .seconds(2)) }) { server in
            let url = server.url("/slow")
            let started = ContinuousClock.now
            let error = try await fetchError(url, options: ["timeout": 1])
            let elapsed = ContinuousClock.now - started
            guard error.code == .timedOut else {
                Issue.record("expected a timeout, got \(error)")
                return
            }
            #expect(error.url == url)
            // The server answers after 2 s: a timeout error (not an answer) proves the wait was cut; the
            // lower bound that it was not cut early. No tight upper bound: a loaded machine is slow.
            #expect(elapsed >= .milliseconds(900))
        }
    }

    @Test func slowBodyTimesOut() async throws {
        // Headers at once, then 2,000 bytes 20 at a time every 100 ms: 10 s for the body, far over
        // the 0.6 s timeout, though bytes keep arriving.
        let slow = TestResponse(
            headers: [(name: "content-type", value: "text/html")], body: [UInt8](repeating: UInt8(ascii: "a"), count: 2_000),
            fault: .trickle(chunkSize: 20, interval: .milliseconds(100)))
        // 100 bytes 20 at a time every 50 ms: about 250 ms.
        let short = TestResponse(
            headers: [(name: "content-type", value: "text/html")], body: [UInt8](repeating: UInt8(ascii: "b"), count: 100),
            fault: .trickle(chunkSize: 20, interval: .milliseconds(50)))
        try await TestHTTPServer.run(routes: { request in request.path == "/short" ? short : slow }) { server in
            let url = server.url("/trickle")
            let started = ContinuousClock.now
            let error = try await fetchError(url, options: ["timeout": 0.6])
            let elapsed = ContinuousClock.now - started
            guard error.code == .timedOut else {
                Issue.record("expected a timeout, got \(error)")
                return
            }
            #expect(error.url == url)
            // A timeout error proves the body was cut (whole, it takes 10 s and the fetch succeeds);
            // no upper bound on the time, which a loaded machine can stretch.
            #expect(elapsed >= .milliseconds(550), "\(elapsed)")
            // The head did arrive: the timeout cut the body, not the wait for an answer.
            #expect(server.exchanges.first?.responded != nil)
            // A trickle that ends within the timeout succeeds, whole.
            let quick = try await fetch(server.url("/short"), options: ["timeout": 5])
            #expect(quick.document?.text == String(repeating: "b", count: 100))
            #expect((quick.response?.totalTime ?? 0) >= 0.2)
        }
    }

    @Test func binaryMediaTypeIsRefused() async throws {
        let png = TestResponse(headers: [(name: "content-type", value: "image/png")], body: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        try await TestHTTPServer.run(routes: { _ in png }) { server in
            let url = server.url("/logo.png")
            let error = try await fetchError(url)
            #expect(error == .unsupportedMediaType(url: url, mediaType: "image/png"))
        }
    }

    /// A port bound but not listening, held through the test: a server stopped before the fetch
    /// freed its port for any other test's server to take (seen once: curl code 56, not 7).
    @Test func refusedConnectionIsANetworkFailure() async throws {
        try await TestSOCKS5Proxy.withRefusingPort { port in
            let url = "http://127.0.0.1:\(port)/gone"
            let error = try await fetchError(url)
            guard error.code == .networkFailure else {
                Issue.record("expected a network failure, got \(error)")
                return
            }
            #expect(error.url == url)
            #expect(error.curlCode == 7)  // CURLE_COULDNT_CONNECT
            #expect(error.reason?.isEmpty == false)
            #expect(error.description.contains(url))
        }
    }

    @Test func nonHTTPURLIsAnError() async throws {
        #expect(try await fetchError("ftp://127.0.0.1/file") == .invalidURL("ftp://127.0.0.1/file"))
    }

    // MARK: Politeness and scheduling

    @Test func perHostLimitHoldsOnTheServerSide() async throws {
        try await TestHTTPServer.run(routes: { _ in .html("<p>slow</p>", delay: .milliseconds(300)) }) { server in
            let fetcher = try Self.fetcher(["perHost": 2, "concurrency": 32])
            let started = ContinuousClock.now
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<6 {
                    let record = Record(url: server.url("/page/\(index)"), source: "test")
                    group.addTask { try await fetcher.fetch(record, context: context).response?.status ?? 0 }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let elapsed = ContinuousClock.now - started
            #expect(statuses == Array(repeating: 200, count: 6))
            #expect(server.exchanges.count == 6)
            #expect(server.exchanges.allSatisfy { $0.responded != nil })
            #expect(server.maximumRequestsInProgress == 2)
            // Three waves of two take at least 900 ms (how much longer is a speed question, for benchmarks).
            #expect(elapsed >= .milliseconds(880), "\(elapsed)")
        }
    }

    @Test func totalConcurrencyLimitHolds() async throws {
        // Tests use 127.0.0.1 only, so one host with a perHost above the total limit.
        try await TestHTTPServer.run(routes: { _ in .html("<p>slow</p>", delay: .milliseconds(200)) }) { server in
            let fetcher = try Self.fetcher(["perHost": 8, "concurrency": 3])
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<6 {
                    let record = Record(url: server.url("/p/\(index)"), source: "test")
                    group.addTask { _ = try await fetcher.fetch(record, context: context) }
                }
                try await group.waitForAll()
            }
            #expect(server.maximumRequestsInProgress == 3)
        }
    }

    @Test func configuredHeadersAndUserAgentAreSent() async throws {
        try await TestHTTPServer.run(routes: { _ in .html("<p>ok</p>") }) { server in
            _ = try await fetch(server.url("/h"), options: ["headers": ["X-Test": "yes", "Accept": "text/html"]])
            _ = try await fetch(server.url("/ua"), options: ["userAgent": "my-bot/1.0"])
            let requests = server.exchanges.map(\.request)
            #expect(requests.count == 2)
            #expect(requests[0].header("x-test") == "yes")
            #expect(requests[0].headers.filter { $0.name == "accept" }.map(\.value) == ["text/html"])
            #expect(requests[0].header("user-agent") == HTTPFetcher.defaultUserAgent)
            #expect(requests[1].header("user-agent") == "my-bot/1.0")
            #expect(requests[1].header("accept")?.hasPrefix("text/html,") == true)
        }
    }

    @Test func badOptionsAreRefusedWithoutNetwork() {
        #expect(throws: OptionError.self) { try HTTPFetcher(options: PluginOptions(["headers": ["Bad Name": "x"]])) }
        #expect(throws: OptionError.self) { try HTTPFetcher(options: PluginOptions(["headers": ["X-Ok": "a\r\nInjected: yes"]])) }
        #expect(throws: OptionError.self) { try HTTPFetcher(options: PluginOptions(["perHost": 0])) }
        #expect(throws: OptionError.self) { try HTTPFetcher(options: PluginOptions(["timeout": 0])) }
        #expect(throws: OptionError.self) { try HTTPFetcher(options: PluginOptions(["delay": -1])) }
        #expect(throws: OptionError.self) { try HTTPFetcher(options: PluginOptions(["retries": -1])) }
        #expect(throws: OptionError.self) { try HTTPFetcher(options: PluginOptions(["backoff": -0.5])) }
        #expect(throws: OptionError.self) { try HTTPFetcher(options: PluginOptions(["maxCrawlDelay": -1])) }
        #expect(throws: OptionError.self) { try HTTPFetcher(options: PluginOptions(["maxRetryAfter": -1])) }
        #expect(
            HTTPFetcher.descriptor.options.map(\.name) == [
                "concurrency", "perHost", "delay", "robots", "maxCrawlDelay", "retries", "backoff", "maxRetryAfter",
                "connectTimeout", "timeout", "maxRedirects", "maxBytes", "userAgent", "allowPrivate", "headers", "proxies",
                "proxyRotation", "proxyBackoff",
            ])
        #expect(throws: OptionError.self) { try HTTPFetcher(options: PluginOptions(["proxies": ["socks5h://127.0.0.1"]])) }
        #expect(throws: OptionError.self) { try HTTPFetcher(options: PluginOptions(["proxyBackoff": -1])) }
        #expect(throws: OptionError.self) { try HTTPFetcher(options: PluginOptions(["allowPrivate": ["127.0.0.0/33"]])) }
        #expect(throws: OptionError.self) { try HTTPFetcher(options: PluginOptions(["allowPrivate": ["http://intranet/"]])) }
    }

    @Test func cancellingTheTaskEndsTheTransfer() async throws {
        // An answer 10 s away: a cancelled transfer ends long before it, even on a loaded machine.
        try await TestHTTPServer.run(routes: { _ in .html("<p>late</p>", delay: .seconds(10)) }) { server in
            let fetcher = try Self.fetcher()
            let record = Record(url: server.url("/slow"), source: "test")
            let task = Task { try await fetcher.fetch(record, context: context) }
            try await Task.sleep(for: .milliseconds(200))
            let started = ContinuousClock.now
            task.cancel()
            let result = await task.result
            #expect(throws: CancellationError.self) { try result.get() }
            #expect(ContinuousClock.now - started < .seconds(8), "the answer would take 10 s")
            #expect(server.exchanges.count == 1)
        }
    }

    @Test func cancellingAQueuedRequestNeverSendsIt() async throws {
        // The first answer would take 30 s: the second request stays queued behind it until the test
        // cancels the first too, after the second's cancellation is over, however slowly the test's
        // tasks are scheduled (a 2 s answer let a held-up test see the second sent).
        try await TestHTTPServer.run(routes: { _ in .html("<p>late</p>", delay: .seconds(30)) }) { server in
            let fetcher = try Self.fetcher(["perHost": 1])
            let first = Task { try await fetcher.fetch(Record(url: server.url("/first"), source: "test"), context: context) }
            // The first holds the host's only slot once the server has it (a loaded machine may start
            // the tasks late, or in the other order).
            let deadline = ContinuousClock.now + .seconds(10)
            while server.exchanges.isEmpty && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
            try #require(server.exchanges.map(\.request.path) == ["/first"])
            let second = Task { try await fetcher.fetch(Record(url: server.url("/second"), source: "test"), context: context) }
            try await Task.sleep(for: .milliseconds(100))
            second.cancel()
            let secondResult = await second.result
            #expect(throws: CancellationError.self) { try secondResult.get() }
            // The slot frees: a second request still queued would be sent now.
            first.cancel()
            let firstResult = await first.result
            #expect(throws: CancellationError.self) { try firstResult.get() }
            try await Task.sleep(for: .milliseconds(500))
            #expect(server.exchanges.map(\.request.path) == ["/first"])
        }
    }

    @Test func loopThreadStartsOnDemandAndExitsWhenIdle() async throws {
        try await TestHTTPServer.run(routes: { _ in .html("<p>ok</p>") }) { server in
            var configuration = CurlMultiClient.Configuration()
            // A linger long enough that a loaded machine still finds the loop running right after.
            configuration.idleLinger = .seconds(2)
            let client = CurlMultiClient(configuration: configuration)
            let schedule = HostSchedule()
            #expect(!client.isLoopRunning)  // nothing happens before the first request
            let first = try await client.get(server.url("/first"), schedule: schedule, destination: DestinationPolicy(hostIsNamed: true))
            #expect(first.status == 200)
            try await Task.sleep(for: .milliseconds(3500))
            #expect(!client.isLoopRunning)
            let second = try await client.get(server.url("/second"), schedule: schedule, destination: DestinationPolicy(hostIsNamed: true))
            #expect(second.status == 200)
            #expect(String(decoding: second.body, as: UTF8.self) == "<p>ok</p>")
            #expect(server.exchanges.map(\.request.path) == ["/first", "/second"])
        }
    }

    @Test func manyRequestsAllComplete() async throws {
        try await TestHTTPServer.run(routes: { request in .html("<p>\(request.path)</p>") }) { server in
            let fetcher = try Self.fetcher(["perHost": 8])
            let texts = try await withThrowingTaskGroup(of: String?.self) { group in
                for index in 0..<300 {
                    let record = Record(url: server.url("/n/\(index)"), source: "test")
                    group.addTask { try await fetcher.fetch(record, context: context).document?.text }
                }
                return try await group.reduce(into: Set<String>()) { $0.insert($1 ?? "") }
            }
            #expect(texts == Set((0..<300).map { "<p>/n/\($0)</p>" }))
            #expect(server.exchanges.count == 300)
            #expect(server.maximumRequestsInProgress <= 8)
        }
    }

    /// The bytes compressed by the system's gzip.
    func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("etl-gzip-\(UUID().uuidString)")
        try Data(bytes).write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/gzip")
        process.arguments = ["-c", "-n", input.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
        return [UInt8](data)
    }
}

/// The `file` fetcher: BOM, meta charset, forced charset, media types, limits and errors.
@Suite struct FileFetcherTests {
    let context = RunContext(logger: Logger(label: "etl.tests.file"))

    /// A fresh temporary directory for one test.
    func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("etl-file-fetcher-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    func write(_ bytes: [UInt8], to name: String, in directory: URL) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    func fetch(_ url: String, options: [String: JSONValue] = [:]) async throws -> Record {
        try await FileFetcher(options: PluginOptions(options)).fetch(Record(url: url, source: "test"), context: context)
    }

    @Test func fileWithUTF8BOMByFileURL() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let page = "<p>می\u{200C}خواهم</p>"
        let file = try write([0xEF, 0xBB, 0xBF] + Array(page.utf8), to: "bom page.html", in: directory)
        let url = file.absoluteString  // file:///…/bom%20page.html
        #expect(url.hasPrefix("file:///") && url.contains("%20"))
        let record = try await fetch(url)
        let document = try #require(record.document)
        #expect(document.text == page)
        #expect(document.charset == "utf-8")
        #expect(document.mediaType == "text/html")
        let response = try #require(record.response)
        #expect(response.status == 200)
        #expect(response.finalURL == url)
        #expect(response.bodySize == page.utf8.count + 3)
    }

    @Test func fileWithMetaCharsetWindows1256ByPlainPath() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let head = "<html><head><meta charset=\"windows-1256\"></head><body>"
        let file = try write(Array(head.utf8) + CharsetSample.arabicWindows1256, to: "page.htm", in: directory)
        let document = try #require(try await fetch(file.path).document)
        #expect(document.text == head + CharsetSample.arabicText)
        #expect(document.text.unicodeScalars.contains("\u{200C}"))
        #expect(document.charset == "windows-1256")
    }

    @Test func forcedCharsetOption() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = try write(CharsetSample.arabicWindows1256, to: "plain.txt", in: directory)
        let forced = try #require(try await fetch(file.path, options: ["charset": "cp1256"]).document)
        #expect(forced.text == CharsetSample.arabicText)
        #expect(forced.mediaType == "text/plain")
        // Unforced, nothing declares the charset and the bytes are not UTF-8: detected (issue #10).
        let unforced = try #require(try await fetch(file.path).document)
        #expect(unforced.charset == "windows-1256")
        #expect(unforced.text == CharsetSample.arabicText)
        // A forced charset is never second-guessed, even when the bytes read better in another.
        let wrong = try #require(try await fetch(file.path, options: ["charset": "windows-1252"]).document)
        #expect(wrong.charset == "windows-1252")
        #expect(wrong.text != CharsetSample.arabicText)
        #expect(throws: OptionError.self) { try FileFetcher(options: PluginOptions(["charset": "no-such-charset"])) }
    }

    @Test func missingFileIsAnErrorNamingThePath() async throws {
        let path = "/tmp/etl-no-such-dir-\(UUID().uuidString)/page.html"
        let error = try await #require(throws: FileFetchError.self) { _ = try await fetch(path) }
        #expect(error == .notFound(path: path))
        #expect(error.path == path)
        #expect(error.description.contains(path))
        let viaURL = try await #require(throws: FileFetchError.self) { _ = try await fetch("file://" + path) }
        #expect(viaURL == .notFound(path: path))
    }

    @Test func fileOverMaxBytesAndDirectoriesAreErrors() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = try write([UInt8](repeating: UInt8(ascii: "x"), count: 2_000), to: "big.html", in: directory)
        let tooLarge = try await #require(throws: FileFetchError.self) { _ = try await fetch(file.path, options: ["maxBytes": 1_000]) }
        #expect(tooLarge == .tooLarge(path: file.path, size: 2_000, limit: 1_000))
        #expect(try await fetch(file.path, options: ["maxBytes": 2_000]).response?.bodySize == 2_000)
        let isDirectory = try await #require(throws: FileFetchError.self) { _ = try await fetch(directory.path) }
        #expect(isDirectory == .isDirectory(path: directory.path))
        let remote = try await #require(throws: FileFetchError.self) { _ = try await fetch("file://example.com/page.html") }
        #expect(remote == .invalidURL("file://example.com/page.html"))
    }

    @Test(arguments: [
        ("a.html", "text/html"), ("a.HTM", "text/html"), ("a.xhtml", "text/html"), ("a.xml", "application/xml"),
        ("a.txt", "text/plain"), ("a.json", "application/json"), ("a", "text/html"), ("a.php", "text/html"), (".profile", "text/html"),
    ])
    func mediaTypeByExtension(name: String, mediaType: String) {
        #expect(FileFetcher.mediaType(ofPath: "/some/dir.d/" + name) == mediaType)
    }
}
