import ETLHTTP
import ETLKit
import ETLTestSupport
import Foundation
import Logging
import Synchronization
import Testing

@testable import ETLPlugins

/// The `http` fetcher's politeness and robustness against a real server on 127.0.0.1: robots.txt,
/// per-host delay, Crawl-delay, retries, Retry-After, resets. Server-side logs are the evidence:
/// what the server never saw was never sent.
@Suite struct HTTPPolitenessTests {
    let context = RunContext(logger: Logger(label: "etl.tests.http-politeness"))

    /// A fetcher with small delays; `options` add to or replace the test defaults (robots off, no
    /// delay, no retries).
    static func fetcher(_ options: [String: JSONValue] = [:], robotsFailureLifetime: Duration = .seconds(300)) throws -> HTTPFetcher {
        let base: [String: JSONValue] = ["robots": false, "delay": 0, "retries": 0, "allowPrivate": ["127.0.0.0/8", "localhost"]]
        return try HTTPFetcher(options: PluginOptions(base.merging(options) { $1 }), robotsFailureLifetime: robotsFailureLifetime)
    }

    func fetch(_ fetcher: HTTPFetcher, _ url: String) async throws -> Record {
        try await fetcher.fetch(Record(url: url, source: "test"), context: context)
    }

    func fetchError(_ fetcher: HTTPFetcher, _ url: String) async throws -> HTTPFetchError {
        try await #require(throws: HTTPFetchError.self) { _ = try await fetch(fetcher, url) }
    }

    /// Routes serving `robots` at /robots.txt and a small page anywhere else.
    static func site(robots: TestResponse) -> @Sendable (TestRequest) -> TestResponse {
        { request in request.path == "/robots.txt" ? robots : .html("<p>\(request.path)</p>") }
    }

    static func robotsFile(_ text: String) -> TestResponse {
        TestResponse(headers: [(name: "content-type", value: "text/plain")], body: Array(text.utf8))
    }

    /// Routes that answer the n-th request to the server (1, 2, …) with `answer(n)`.
    static func byRequestNumber(_ answer: @escaping @Sendable (Int) -> TestResponse) -> @Sendable (TestRequest) -> TestResponse {
        let count = Mutex(0)
        return { _ in
            answer(
                count.withLock { count in
                    count += 1
                    return count
                })
        }
    }

    /// The gaps between consecutive arrivals, in arrival order.
    static func gaps(_ exchanges: [TestExchange]) -> [Duration] {
        let arrivals = exchanges.map(\.request.arrival).sorted()
        return zip(arrivals.dropFirst(), arrivals).map { $0 - $1 }
    }

    // MARK: robots.txt

    @Test func robotsDisallowIsADeadLetterAndNeverRequested() async throws {
        let robots = Self.robotsFile(
            """
            # test
            User-agent: *
            Disallow: /private/
            Allow: /private/open
            """)
        try await TestHTTPServer.run(routes: Self.site(robots: robots)) { server in
            let output = try TemporaryFolder()
            defer { output.remove() }
            let urls = ["/public", "/private/secret", "/private/open", "/private/other?x=1"].map(server.url)
            let pipeline = try PipelineLoader(registry: .builtins, environment: ["OUT": output.url.path]).load(
                text: """
                    {
                      "sources": [{ "use": "urls", "urls": [\(urls.map { "\"\($0)\"" }.joined(separator: ", "))] }],
                      "fetch": [{ "use": "http", "delay": 0, "retries": 0 }],
                      "steps": [],
                      "sinks": [{ "use": "jsonl", "path": "${OUT}/pages.jsonl" }],
                      "deadLetters": { "use": "jsonl", "path": "${OUT}/dead.jsonl" }
                    }
                    """)
            let summary = try await PipelineRunner(pipeline: pipeline).run()
            #expect(summary.input == 4)
            #expect(summary.deadLetters == 2)
            #expect(summary.reconciles)
            // The server saw robots.txt once and the two allowed pages, never a disallowed path.
            let paths = server.exchanges.map(\.request.path)
            #expect(paths.first == "/robots.txt")
            #expect(paths.sorted() == ["/private/open", "/public", "/robots.txt"])
            let dead = try readJSONLines(output.path("dead.jsonl"))
            let reasons = Dictionary(
                uniqueKeysWithValues: dead.compactMap { letter -> (String, String)? in
                    guard let url = letter["url"] as? String, let reason = letter["reason"] as? String else { return nil }
                    return (url, reason)
                })
            #expect(Set(reasons.keys) == [server.url("/private/secret"), server.url("/private/other?x=1")])
            let reason = try #require(reasons[server.url("/private/secret")])
            #expect(reason.contains("robots.txt") && reason.contains("Disallow: /private/"), "\(reason)")
        }
    }

    @Test func robotsErrorCaseNamesTheRule() async throws {
        let robots = Self.robotsFile("User-agent: etl\nDisallow: /only-etl\n\nUser-agent: *\nDisallow: /\n")
        try await TestHTTPServer.run(routes: Self.site(robots: robots)) { server in
            let fetcher = try Self.fetcher(["robots": true])
            let url = server.url("/only-etl/page")
            #expect(try await fetchError(fetcher, url) == .robotsDisallowed(url: url, rule: "Disallow: /only-etl"))
            // Our own group applies, not `*` (which disallows everything).
            #expect(try await fetch(fetcher, server.url("/news/1")).response?.status == 200)
            #expect(server.exchanges.map(\.request.path) == ["/robots.txt", "/news/1"])
            #expect(server.exchanges.first?.request.header("user-agent") == HTTPFetcher.defaultUserAgent)
        }
    }

    @Test func robotsNotFoundAllowsEverythingAndIsReadOnce() async throws {
        try await TestHTTPServer.run(routes: Self.site(robots: .notFound)) { server in
            let fetcher = try Self.fetcher(["robots": true])
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<4 {
                    let url = server.url("/page/\(index)")
                    group.addTask { _ = try await fetch(fetcher, url) }
                }
                try await group.waitForAll()
            }
            let paths = server.exchanges.map(\.request.path)
            #expect(paths.filter { $0 == "/robots.txt" }.count == 1)
            #expect(paths.first == "/robots.txt")
            #expect(paths.count == 5)
        }
    }

    @Test func robotsServerErrorDisallowsEverythingUntilReadAgain() async throws {
        let robotsRequests = Mutex(0)
        let routes: @Sendable (TestRequest) -> TestResponse = { request in
            guard request.path == "/robots.txt" else { return .html("<p>page</p>") }
            let count = robotsRequests.withLock { count in
                count += 1
                return count
            }
            return count == 1 ? TestResponse(status: 503) : .notFound
        }
        try await TestHTTPServer.run(routes: routes) { server in
            // Long enough that a loaded machine still asks again within it; the test waits it out below.
            let fetcher = try Self.fetcher(["robots": true], robotsFailureLifetime: .seconds(3))
            let url = server.url("/page")
            let error = try await fetchError(fetcher, url)
            guard error.code == .robotsUnreachable, let reason = error.reason else {
                Issue.record("expected robotsUnreachable, got \(error)")
                return
            }
            #expect(error.url == url)
            #expect(reason.contains("503"))
            #expect(!error.isPermanent, "a robots.txt that answers 503 may answer next run")
            // Still disallowed, without reading robots.txt again.
            _ = try await fetchError(fetcher, server.url("/other"))
            #expect(server.exchanges.map(\.request.path) == ["/robots.txt"])
            // Once the failure has expired robots.txt is read again (404 now) and pages are allowed.
            try await Task.sleep(for: .milliseconds(3100))
            #expect(try await fetch(fetcher, url).response?.status == 200)
            #expect(server.exchanges.map(\.request.path) == ["/robots.txt", "/robots.txt", "/page"])
        }
    }

    @Test func robotsUnreachableDisallowsEverything() async throws {
        let server = TestHTTPServer { _ in .notFound }
        try await server.start()
        let url = server.url("/page")
        try await server.stop()
        let error = try await fetchError(try Self.fetcher(["robots": true]), url)
        guard error.code == .robotsUnreachable, let reason = error.reason else {
            Issue.record("expected robotsUnreachable, got \(error)")
            return
        }
        #expect(reason.contains("unreachable"))
        #expect(!error.isPermanent)
    }

    @Test func crawlDelayIsRespectedAndCapped() async throws {
        try await TestHTTPServer.run(routes: Self.site(robots: Self.robotsFile("User-agent: *\nCrawl-delay: 0.3\n"))) { server in
            let fetcher = try Self.fetcher(["robots": true, "delay": 0.05, "perHost": 4])
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<4 {
                    let url = server.url("/p/\(index)")
                    group.addTask { _ = try await fetch(fetcher, url) }
                }
                try await group.waitForAll()
            }
            #expect(server.exchanges.count == 5)
            let gaps = Self.gaps(server.exchanges)
            #expect(gaps.allSatisfy { $0 >= .milliseconds(300) }, "\(gaps)")
        }
        // A Crawl-delay of 10 s is cut to maxCrawlDelay.
        try await TestHTTPServer.run(routes: Self.site(robots: Self.robotsFile("User-agent: *\nCrawl-delay: 10\n"))) { server in
            let fetcher = try Self.fetcher(["robots": true, "maxCrawlDelay": 0.2])
            let started = ContinuousClock.now
            for index in 0..<3 {
                _ = try await fetch(fetcher, server.url("/q/\(index)"))
            }
            #expect(ContinuousClock.now - started < .seconds(5), "an uncapped 10 s Crawl-delay would take 20 s")
            let gaps = Self.gaps(server.exchanges)
            #expect(gaps.count == 3)
            #expect(gaps.allSatisfy { $0 >= .milliseconds(200) }, "\(gaps)")
        }
    }

    // MARK: Per-host delay

    @Test func gapsBetweenRequestsToOneHostAreNeverBelowTheDelay() async throws {
        try await TestHTTPServer.run(routes: { _ in .html("<p>ok</p>") }) { server in
            // perHost 4: only the delay can space the requests.
            let fetcher = try Self.fetcher(["delay": 0.25, "perHost": 4])
            let started = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<6 {
                    let url = server.url("/d/\(index)")
                    group.addTask { _ = try await fetch(fetcher, url) }
                }
                try await group.waitForAll()
            }
            let elapsed = ContinuousClock.now - started
            #expect(server.exchanges.count == 6)
            let gaps = Self.gaps(server.exchanges)
            #expect(gaps.count == 5)
            #expect(gaps.allSatisfy { $0 >= .milliseconds(250) }, "\(gaps)")
            // How promptly the scheduler wakes is a speed question: measured in benchmarks, not here.
            #expect(elapsed >= .milliseconds(1250), "\(elapsed)")
        }
    }

    @Test func delayHoldsBackOnlyItsOwnHost() async throws {
        // 127.0.0.1 and localhost are two hosts to the scheduler, one server here.
        try await TestHTTPServer.run(routes: { _ in .html("<p>ok</p>") }) { server in
            let fetcher = try Self.fetcher(["delay": 2])
            let started = ContinuousClock.now
            async let first = fetch(fetcher, server.url("/a"))
            async let second = fetch(fetcher, "http://localhost:\(server.port)/b")
            _ = try await (first, second)
            // Measured where the server saw them, not around the whole fetch (a loaded machine
            // slows the fetch, not the schedule): a held-back host would arrive 2 s later.
            let arrivals = server.exchanges.map(\.request.arrival).sorted()
            #expect(arrivals.count == 2 && arrivals[1] - arrivals[0] < .seconds(2), "\(arrivals)")
            // The same host twice does wait.
            _ = try await fetch(fetcher, server.url("/c"))
            #expect(ContinuousClock.now - started >= .seconds(2))
            #expect(server.exchanges.count == 3)
        }
    }

    @Test func politenessHoldsAcrossEverySourceOfARun() async throws {
        // One site read by a sitemap, a feed and a crawl, and fetched by the pipeline's fetcher: four
        // HTTP clients, one run-wide schedule and one robots.txt cache.
        let routes: @Sendable (TestRequest) -> TestResponse = { request in
            let base = "http://\(request.header("host") ?? "")"
            switch request.path {
            case "/robots.txt":
                return Self.robotsFile("User-agent: *\nDisallow: /private/\nSitemap: \(base)/sitemap.xml\n")
            case "/sitemap.xml":
                let pages = ["/news/1", "/news/2", "/private/3"].map { "<url><loc>\(base)\($0)</loc></url>" }.joined()
                return TestResponse(
                    headers: [(name: "content-type", value: "application/xml")],
                    body: Array(
                        "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\(pages)</urlset>".utf8))
            case "/":
                return .html(
                    "<html><head><link rel=\"alternate\" type=\"application/rss+xml\" href=\"/rss\"></head><body><a href=\"/news/1\">1</a> <a href=\"/news/4\">4</a> <a href=\"/private/5\">5</a></body></html>"
                )
            case "/rss":
                let items = ["/news/2", "/news/6"].map { "<item><title>t</title><link>\(base)\($0)</link></item>" }.joined()
                return TestResponse(
                    headers: [(name: "content-type", value: "application/rss+xml")],
                    body: Array(
                        "<rss version=\"2.0\"><channel><title>f</title>\(items)</channel></rss>".utf8))
            default:
                return .html("<html><body><p>\(request.path)</p></body></html>")
            }
        }
        try await TestHTTPServer.run(routes: routes) { server in
            let output = try TemporaryFolder()
            defer { output.remove() }
            let pipeline = try PipelineLoader(registry: .builtins, environment: ["OUT": output.url.path, "SITE": server.url("")]).load(
                text: """
                    {
                      "sources": [
                        { "use": "sitemap", "site": "${SITE}", "delay": 0.2 },
                        { "use": "feed", "site": "${SITE}", "delay": 0.2 },
                        { "use": "crawl", "seeds": ["${SITE}/"], "follow": ["/news/"], "maxDepth": 1, "delay": 0.2 }
                      ],
                      "fetch": [{ "use": "http", "delay": 0.3, "perHost": 4, "retries": 0 }],
                      "steps": [],
                      "sinks": [{ "use": "jsonl", "path": "${OUT}/pages.jsonl" }],
                      "deadLetters": { "use": "jsonl", "path": "${OUT}/dead.jsonl" },
                      "concurrency": 4
                    }
                    """)
            let summary = try await PipelineRunner(pipeline: pipeline).run()
            #expect(summary.reconciles)
            let paths = server.exchanges.map(\.request.path)
            // robots.txt read once for the whole run, and obeyed by every client: nothing under
            // /private/ was requested (the sitemap's /private/3 is a dead letter).
            #expect(paths.filter { $0 == "/robots.txt" }.count == 1, "\(paths)")
            #expect(paths.first == "/robots.txt", "\(paths)")
            #expect(!paths.contains { $0.hasPrefix("/private/") }, "\(paths)")
            #expect(Set(paths).isSuperset(of: ["/sitemap.xml", "/", "/rss", "/news/1", "/news/2", "/news/4", "/news/6"]), "\(paths)")
            // Every page was fetched once, whichever client got it first.
            #expect(paths.filter { $0.hasPrefix("/news/") }.count == 4, "\(paths)")
            // No two requests, whichever clients sent them, less than the smallest delay apart.
            let gaps = Self.gaps(server.exchanges)
            #expect(gaps.count == paths.count - 1)
            #expect(gaps.allSatisfy { $0 >= .milliseconds(200) }, "\(gaps)")
        }
    }

    @Test func aHostSlotFreedByOneClientWakesAnother() {
        let schedule = HostSchedule()
        final class Client {}
        let first = Client()
        let second = Client()
        let woken = Mutex(0)
        #expect(schedule.admit("example.ir", perHost: 1, delay: .zero, maxCrawlDelay: .zero, client: ObjectIdentifier(first), waker: {}) == .start)
        #expect(schedule.activeCount(of: "example.ir") == 1)
        #expect(
            schedule.admit(
                "example.ir", perHost: 1, delay: .zero, maxCrawlDelay: .zero, client: ObjectIdentifier(second), waker: { woken.withLock { $0 += 1 } }) == .busy)
        schedule.release("example.ir")
        #expect(woken.withLock { $0 } == 1)
        #expect(schedule.admit("example.ir", perHost: 1, delay: .zero, maxCrawlDelay: .zero, client: ObjectIdentifier(second), waker: {}) == .start)
        // The waker is called once, not at every release.
        schedule.release("example.ir")
        #expect(woken.withLock { $0 } == 1)
    }

    @Test func hostsAreNamesWithNonDefaultPorts() {
        #expect(HostSchedule.host(of: "https://WWW.Example.ir/a") == "www.example.ir")
        #expect(HostSchedule.host(of: "http://www.example.ir:80/a") == "www.example.ir")
        #expect(HostSchedule.host(of: "https://www.example.ir:443/a") == "www.example.ir")
        #expect(HostSchedule.host(of: "http://127.0.0.1:8080/") == "127.0.0.1:8080")
        #expect(HostSchedule.host(of: "http://user:secret@Example.ir:8080?q=1") == "example.ir:8080")
        #expect(HostSchedule.host(of: "http://[::1]:8080/x") == "[::1]:8080")
        #expect(HostSchedule.host(of: "http://[::1]/x") == "[::1]")
        #expect(HostSchedule.host(of: "https://example.ir:/x") == "example.ir")
        #expect(HostSchedule.host(of: "http://example.ir:80x/") == nil)
        #expect(HostSchedule.host(of: "http:///path") == nil)
        #expect(HostSchedule.host(of: "mailto:someone@example.ir") == nil)
        #expect(HostSchedule.host(of: "file:///tmp/x") == nil)
    }

    // MARK: Retries

    @Test func tooManyRequestsWithRetryAfterThenSuccess() async throws {
        let routes = Self.byRequestNumber { number in
            number == 1 ? TestResponse(status: 429, headers: [(name: "retry-after", value: "1")]) : .html("<p>ok</p>")
        }
        try await TestHTTPServer.run(routes: routes) { server in
            let fetcher = try Self.fetcher(["retries": 3, "backoff": 0.05])
            let started = ContinuousClock.now
            let record = try await fetch(fetcher, server.url("/limited"))
            #expect(record.response?.status == 200)
            #expect(ContinuousClock.now - started >= .seconds(1))
            #expect(server.exchanges.count == 2)
            #expect(Self.gaps(server.exchanges).allSatisfy { $0 >= .seconds(1) })
        }
    }

    @Test func serviceUnavailableTwiceThenSuccess() async throws {
        let routes = Self.byRequestNumber { number in number <= 2 ? TestResponse(status: 503) : .html("<p>ok</p>") }
        try await TestHTTPServer.run(routes: routes) { server in
            let fetcher = try Self.fetcher(["retries": 3, "backoff": 0.1])
            let record = try await fetch(fetcher, server.url("/flaky"))
            #expect(record.response?.status == 200)
            #expect(record.document?.text == "<p>ok</p>")
            #expect(server.exchanges.count == 3)
            // Backoff 0.1 s then 0.2 s, each ±20%.
            let gaps = Self.gaps(server.exchanges)
            #expect(gaps.count == 2)
            #expect(gaps[0] >= .milliseconds(80) && gaps[1] >= .milliseconds(160), "\(gaps)")
        }
    }

    @Test func notFoundIsNotRetried() async throws {
        try await TestHTTPServer.run(routes: { _ in .notFound }) { server in
            let fetcher = try Self.fetcher(["retries": 3, "backoff": 0.05])
            let url = server.url("/missing")
            let error = try await fetchError(fetcher, url)
            #expect(error == .httpStatus(url: url, finalURL: url, status: 404))
            #expect(error.attempts == 1)
            #expect(server.exchanges.count == 1)
        }
    }

    @Test(arguments: [TestFault.reset, TestFault.close])
    func brokenConnectionsAreRetriedThenAClearError(fault: TestFault) async throws {
        try await TestHTTPServer.run(routes: { _ in .fault(fault) }) { server in
            let fetcher = try Self.fetcher(["retries": 2, "backoff": 0.05])
            let url = server.url("/broken")
            let error = try await fetchError(fetcher, url)
            guard error.code == .failedAfterAttempts, let last = error.wrapped, last.code == .networkFailure, let code = last.curlCode else {
                Issue.record("expected a network failure after retries, got \(error)")
                return
            }
            #expect(error.attempts == 3)
            #expect(last.url == url)
            #expect(code == 56 || code == 52, "curl error \(code)")  // CURLE_RECV_ERROR, CURLE_GOT_NOTHING
            #expect(error.description.contains(url))
            #expect(error.description.contains("after 3 attempts"), "\(error)")
            #expect(server.exchanges.count == 3)
        }
    }

    @Test func retriesExhaustedNamesTheAttempts() async throws {
        try await TestHTTPServer.run(routes: { _ in TestResponse(status: 502) }) { server in
            let fetcher = try Self.fetcher(["retries": 2, "backoff": 0.05])
            let url = server.url("/down")
            let error = try await fetchError(fetcher, url)
            #expect(error == .failedAfterAttempts(attempts: 3, last: .httpStatus(url: url, finalURL: url, status: 502)))
            #expect(error.attempts == 3)
            #expect(error.status == 502)
            #expect(error.url == url)
            #expect(error.description == "cannot fetch \(url) after 3 attempts (option retries): HTTP status 502")
            #expect(server.exchanges.count == 3)
        }
    }

    @Test func retryAfterLongerThanTheCapEndsTheFetch() async throws {
        try await TestHTTPServer.run(routes: { _ in TestResponse(status: 503, headers: [(name: "retry-after", value: "3600")]) }) { server in
            let fetcher = try Self.fetcher(["retries": 3, "maxRetryAfter": 10])
            let url = server.url("/later")
            let started = ContinuousClock.now
            let error = try await fetchError(fetcher, url)
            #expect(error == .retryAfterTooLong(url: url, status: 503, seconds: 3600, limit: 10, attempts: 1))
            #expect(error.description.contains("maxRetryAfter"))
            #expect(ContinuousClock.now - started < .seconds(9), "waiting would take 10 s")
            #expect(server.exchanges.count == 1)
        }
    }

    @Test func retryAfterHoldsTheWholeHost() async throws {
        let routes: @Sendable (TestRequest) -> TestResponse = { request in
            request.path == "/busy" ? TestResponse(status: 429, headers: [(name: "retry-after", value: "1")]) : .html("<p>ok</p>")
        }
        try await TestHTTPServer.run(routes: routes) { server in
            let fetcher = try Self.fetcher(["retries": 0])
            let busy = try await fetchError(fetcher, server.url("/busy"))
            #expect(busy.status == 429)
            // The host asked for a second's rest, so another URL on it waits too, though this fetch
            // gave up at once.
            _ = try await fetch(fetcher, server.url("/other"))
            let exchanges = server.exchanges
            #expect(exchanges.map(\.request.path) == ["/busy", "/other"])
            #expect(exchanges[1].request.arrival - exchanges[0].request.arrival >= .seconds(1))
        }
    }

    // MARK: Backoff and Retry-After values

    @Test func backoffDoublesWithJitterAndCap() {
        var policy = RetryPolicy()
        policy.backoff = 1
        #expect(policy.backoffDelay(afterAttempt: 1, random: 0.5) == 1)
        #expect(policy.backoffDelay(afterAttempt: 2, random: 0.5) == 2)
        #expect(policy.backoffDelay(afterAttempt: 3, random: 0.5) == 4)
        #expect(abs(policy.backoffDelay(afterAttempt: 1, random: 0) - 0.8) < 1e-9)
        #expect(abs(policy.backoffDelay(afterAttempt: 1, random: 1) - 1.2) < 1e-9)
        #expect(policy.backoffDelay(afterAttempt: 10, random: 1) == 60)
        #expect(policy.backoffDelay(afterAttempt: 1000, random: 0.5) == 60)
        for _ in 0..<100 {
            let delay = policy.backoffDelay(afterAttempt: 2)
            #expect(delay >= 1.6 && delay <= 2.4)
        }
    }

    @Test func retryAfterInSecondsAndAsHTTPDate() throws {
        let now = try #require(ISO8601DateFormatter().date(from: "2015-10-21T07:28:00Z"))
        #expect(RetryPolicy.retryAfterSeconds("120", now: now) == 120)
        #expect(RetryPolicy.retryAfterSeconds(" 0 ", now: now) == 0)
        #expect(RetryPolicy.retryAfterSeconds("Wed, 21 Oct 2015 07:28:30 GMT", now: now) == 30)
        #expect(RetryPolicy.retryAfterSeconds("Wednesday, 21-Oct-15 07:29:00 GMT", now: now) == 60)
        #expect(RetryPolicy.retryAfterSeconds("Wed Oct 21 07:28:10 2015", now: now) == 10)
        #expect(RetryPolicy.retryAfterSeconds("Wed, 21 Oct 2015 07:00:00 GMT", now: now) == 0)  // past
        #expect(RetryPolicy.retryAfterSeconds("-5", now: now) == nil)
        #expect(RetryPolicy.retryAfterSeconds("soon", now: now) == nil)
    }
}
