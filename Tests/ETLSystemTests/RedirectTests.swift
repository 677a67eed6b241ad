import ETLHTTP
import ETLKit
import ETLTestSupport
import Foundation
import Logging
import Testing

@testable import ETLPlugins

/// Redirects followed by the `http` fetcher hop by hop, against real servers on 127.0.0.1: each hop
/// passes its own host's robots.txt and delay, only http(s) targets are followed, and loops end at
/// once. What the servers never saw was never sent.
@Suite struct RedirectTests {
    let context = RunContext(logger: Logger(label: "etl.tests.redirects"))

    func fetcher(_ options: [String: JSONValue] = [:]) throws -> HTTPFetcher {
        try HTTPPolitenessTests.fetcher(options)
    }

    func fetchError(_ fetcher: HTTPFetcher, _ url: String) async throws -> HTTPFetchError {
        try await #require(throws: HTTPFetchError.self) {
            _ = try await fetcher.fetch(Record(url: url, source: "test"), context: context)
        }
    }

    @Test func aRedirectToAPathRobotsTxtDisallowsIsNotFollowed() async throws {
        let routes: @Sendable (TestRequest) -> TestResponse = { request in
            switch request.path {
            case "/robots.txt": return HTTPPolitenessTests.robotsFile("User-agent: *\nDisallow: /private/\n")
            case "/open": return .redirect(to: "/private/page")
            default: return .html("<p>\(request.path)</p>")
            }
        }
        try await TestHTTPServer.run(routes: routes) { server in
            let url = server.url("/open")
            let error = try await fetchError(try fetcher(["robots": true]), url)
            #expect(error == .redirectRefused(url: url, target: server.url("/private/page"), reason: "disallowed by robots.txt (Disallow: /private/)"))
            #expect(server.exchanges.map(\.request.path) == ["/robots.txt", "/open"])
        }
    }

    @Test func aRedirectToAnotherHostReadsThatHostsRobotsTxt() async throws {
        let closed: @Sendable (TestRequest) -> TestResponse = { request in
            request.path == "/robots.txt" ? HTTPPolitenessTests.robotsFile("User-agent: *\nDisallow: /\n") : .html("<p>secret</p>")
        }
        try await TestHTTPServer.run(routes: closed) { other in
            let target = other.url("/page")
            let routes: @Sendable (TestRequest) -> TestResponse = { request in
                request.path == "/start" ? .redirect(to: target) : .notFound
            }
            try await TestHTTPServer.run(routes: routes) { server in
                let url = server.url("/start")
                let error = try await fetchError(try fetcher(["robots": true]), url)
                #expect(error == .redirectRefused(url: url, target: target, reason: "disallowed by robots.txt (Disallow: /)"))
                #expect(server.exchanges.map(\.request.path) == ["/robots.txt", "/start"])
                // The other host was asked for its rules, never for the page.
                #expect(other.exchanges.map(\.request.path) == ["/robots.txt"])
            }
        }
    }

    @Test func eachHopWaitsForTheDelayOfItsHost() async throws {
        let routes: @Sendable (TestRequest) -> TestResponse = { request in
            switch request.path {
            case "/1": return .redirect(to: "/2", status: 301)
            case "/2": return .redirect(to: "/3", status: 307)
            case "/3": return .redirect(to: "/4", status: 308)
            default: return .html("<p>end</p>")
            }
        }
        try await TestHTTPServer.run(routes: routes) { server in
            let spaced = try fetcher(["delay": 0.3])
            let record = try await spaced.fetch(Record(url: server.url("/1"), source: "test"), context: context)
            #expect(record.response?.finalURL == server.url("/4"))
            #expect(record.url == server.url("/1"))
            #expect(server.exchanges.map(\.request.path) == ["/1", "/2", "/3", "/4"])
            let gaps = HTTPPolitenessTests.gaps(server.exchanges)
            #expect(gaps.allSatisfy { $0 >= .milliseconds(300) }, "\(gaps)")
        }
    }

    @Test func onlyHTTPTargetsAreFollowed() async throws {
        for target in ["file:///etc/passwd", "ftp://127.0.0.1/file", "gopher://127.0.0.1/"] {
            try await TestHTTPServer.run(routes: { _ in .redirect(to: target) }) { server in
                let url = server.url("/start")
                let error = try await fetchError(try fetcher(), url)
                #expect(error == .redirectRefused(url: url, target: target, reason: "not an http or https URL"))
                #expect(server.exchanges.count == 1)
            }
        }
    }

    @Test func aLoopEndsAtTheFirstRepeatedURL() async throws {
        let routes: @Sendable (TestRequest) -> TestResponse = { request in
            .redirect(to: request.path == "/a" ? "/b" : "/a")
        }
        try await TestHTTPServer.run(routes: routes) { server in
            let url = server.url("/a")
            let error = try await fetchError(try fetcher(["maxRedirects": 5]), url)
            #expect(error == .redirectRefused(url: url, target: url, reason: "a redirect loop"))
            #expect(server.exchanges.map(\.request.path) == ["/a", "/b"])
        }
    }

    @Test func aChainLongerThanMaxRedirectsFails() async throws {
        let routes: @Sendable (TestRequest) -> TestResponse = { request in
            let step = Int(request.path.dropFirst()) ?? 0
            return .redirect(to: "/\(step + 1)")
        }
        try await TestHTTPServer.run(routes: routes) { server in
            let url = server.url("/0")
            let error = try await fetchError(try fetcher(["maxRedirects": 3]), url)
            #expect(error == .tooManyRedirects(url: url, limit: 3))
            // The first request and three redirects followed; the fourth is refused.
            #expect(server.exchanges.map(\.request.path) == ["/0", "/1", "/2", "/3"])
        }
    }

    @Test func aFailedHopNamesTheRedirect() async throws {
        let routes: @Sendable (TestRequest) -> TestResponse = { request in
            request.path == "/start" ? .redirect(to: "/gone") : .notFound
        }
        try await TestHTTPServer.run(routes: routes) { server in
            let url = server.url("/start")
            let error = try await fetchError(try fetcher(), url)
            #expect(error.status == 404)
            #expect(error.description.contains("redirected to \(server.url("/gone"))"), "\(error)")
        }
    }

    @Test func urlsThatEndAtOnePageGiveOneRecord() async throws {
        let output = try TemporaryFolder()
        defer { output.remove() }
        let routes: @Sendable (TestRequest) -> TestResponse = { request in
            switch request.path {
            case "/old", "/short": return .redirect(to: "/article", status: 301)
            case "/article": return .html("<html><body><p>the article</p></body></html>")
            default: return .html("<html><body><p>\(request.path)</p></body></html>")
            }
        }
        try await TestHTTPServer.run(routes: routes) { server in
            let urls = ["/old", "/article", "/short", "/other"].map { "\"\(server.url($0))\"" }.joined(separator: ", ")
            let pipeline = try PipelineLoader(registry: .builtins, environment: ["OUT": output.url.path]).load(
                text: """
                    {
                      "sources": [{ "use": "urls", "urls": [\(urls)] }],
                      "fetch": [{ "use": "http", "delay": 0, "robots": false, "retries": 0 }],
                      "steps": [],
                      "sinks": [{ "use": "jsonl", "path": "${OUT}/pages.jsonl" }],
                      "deadLetters": { "use": "jsonl", "path": "${OUT}/dead.jsonl" }
                    }
                    """)
            let summary = try await PipelineRunner(pipeline: pipeline).run()
            #expect(summary.written == 2)
            #expect(summary.skipped == 2)
            #expect(summary.deadLetters == 0)
            let pages = try readJSONLines(output.path("pages.jsonl"))
            // The first URL to reach the page keeps it (the order of concurrent fetches is not fixed).
            let written = pages.compactMap { $0["url"] as? String }
            #expect(written.count == 2 && written.contains(server.url("/other")), "\(pages)")
        }
    }

    @Test func everyFetchedRecordCarriesItsProvenance() async throws {
        let output = try TemporaryFolder()
        defer { output.remove() }
        let routes: @Sendable (TestRequest) -> TestResponse = { request in
            request.path == "/old" ? .redirect(to: "/new", status: 301) : .html("<html><body><p>page</p></body></html>")
        }
        try await TestHTTPServer.run(routes: routes) { server in
            let pipeline = try PipelineLoader(registry: .builtins, environment: ["OUT": output.url.path]).load(
                text: """
                    {
                      "sources": [{ "use": "urls", "urls": ["\(server.url("/old"))", "\(server.url("/same"))"] }],
                      "fetch": [{ "use": "http", "delay": 0, "robots": false, "retries": 0 }],
                      "steps": [],
                      "sinks": [{ "use": "jsonl", "path": "${OUT}/pages.jsonl" }],
                      "deadLetters": { "use": "jsonl", "path": "${OUT}/dead.jsonl" }
                    }
                    """)
            let before = Date()
            _ = try await PipelineRunner(pipeline: pipeline).run()
            let records = try readJSONLines(output.path("pages.jsonl"))
            let redirected = try #require(records.first { $0["requestedUrl"] != nil })
            #expect(redirected["url"] as? String == server.url("/new"))
            #expect(redirected["requestedUrl"] as? String == server.url("/old"))
            let direct = try #require(records.first { ($0["url"] as? String) == server.url("/same") })
            #expect(direct["requestedUrl"] == nil)
            for record in records {
                #expect(record["status"] as? Int == 200)
                #expect((record["contentType"] as? String)?.hasPrefix("text/html") == true)
                let fetchedAt = try #require(record["fetchedAt"] as? String)
                #expect(fetchedAt.hasSuffix("Z"))
                let date = try #require(ISO8601DateFormatter().date(from: fetchedAt))
                #expect(date >= before.addingTimeInterval(-1) && date <= Date().addingTimeInterval(1))
            }
        }
    }
}
