import ETLKit
import ETLPlugins
import ETLTestSupport
import Foundation
import Synchronization
import Testing

@Suite struct CanonicalURLTests {
    @Test(arguments: [
        ("HTTPS://WWW.Example.IR:443/news/1?utm_source=t&b=2&a=1#comments", "https://www.example.ir/news/1?a=1&b=2"),
        ("http://example.com:80", "http://example.com/"),
        ("http://example.com:8080/x?fbclid=abc", "http://example.com:8080/x"),
        ("https://example.ir/fa/news/%D8%A7", "https://example.ir/fa/news/%D8%A7"),
        ("ftp://example.com/file", "ftp://example.com/file"),
        // A trailing slash is part of the path: /x and /x/ are two URLs.
        ("https://www.isna.ir/news/1402033019738/", "https://www.isna.ir/news/1402033019738/"),
        ("https://www.isna.ir/news/1402033019738", "https://www.isna.ir/news/1402033019738"),
    ])
    func oneSpellingPerPage(url: String, canonical: String) {
        #expect(CanonicalURL.canonical(url) == canonical)
    }

    @Test func linksResolveAgainstTheirPage() {
        #expect(CanonicalURL.resolve("../b?utm_medium=x", against: "https://example.com/a/c/page") == "https://example.com/a/b")
        #expect(CanonicalURL.resolve("mailto:someone@example.com", against: "https://example.com/") == nil)
        #expect(CanonicalURL.resolve("#top", against: "https://example.com/") == nil)
    }
}

/// The `crawl` source against a small site on 127.0.0.1.
@Suite struct CrawlSourceTests {
    static func page(_ links: [String]) -> TestResponse {
        .html(
            "<html><body><article><p>صفحه‌ای با متن کافی برای آزمون، و پیوندهایی به صفحه‌های دیگر.</p></article>"
                + links.map { "<a href=\"\($0)\">پیوند</a>" }.joined() + "</body></html>")
    }

    static let routes: @Sendable (TestRequest) -> TestResponse = { request in
        switch request.path {
        case "/": return page(["/section/a", "/news/1", "/news/2", "http://other.example/x", "mailto:a@b.c", "/news/1#comments", "/news/1?utm_source=x"])
        case "/section/a": return page(["/news/3", "/deep/1", "/"])
        case "/news/1", "/news/2", "/news/3": return page(["/"])
        case "/deep/1": return page(["/news/4"])
        case "/news/4": return page([])
        default: return TestResponse(status: 404)
        }
    }

    /// Crawls with politeness off unless the test asks for it (the delay would only slow the tests).
    func crawl(_ options: [String: JSONValue]) async throws -> [Record] {
        let source = try CrawlSource(options: PluginOptions(options.merging(["delay": 0, "robots": false]) { given, _ in given }))
        let sent = Mutex<[Record]>([])
        try await source.produce(into: RecordOutput { record in sent.withLock { $0.append(record) } }, context: .namingLoopback())
        return sent.withLock { $0 }
    }

    @Test func followsWithinDepthAndSendsWhatIsIncluded() async throws {
        try await TestHTTPServer.run(routes: Self.routes) { server in
            let records = try await crawl(["seeds": .array([.string(server.url("/"))]), "include": ["/news/\\d+$"], "maxDepth": 2])
            #expect(records.map { URL(string: $0.url)?.path ?? "" } == ["/news/1", "/news/2", "/news/3"])
            // Pages read for links come with their document; the last depth's are left to the pipeline's fetcher.
            let fetched = records.prefix(2)
            let unfetched = records.dropFirst(2)
            #expect(fetched.allSatisfy { $0.document?.text.contains("صفحه‌ای") == true && $0.response?.status == 200 })
            #expect(unfetched.allSatisfy { $0.document == nil && $0.response == nil })
            // Each page once (the fragment and tracking variants are the same page), the other host never.
            let paths = server.exchanges.map(\.request.path)
            #expect(paths.filter { $0.hasPrefix("/news/1") }.count == 1)
            #expect(!paths.contains("/news/3"), "depth 2 is the last: sent, not fetched")
            #expect(!paths.contains("/news/4"), "depth 3 is beyond maxDepth 2")
        }
    }

    @Test func followPatternsAndLimits() async throws {
        try await TestHTTPServer.run(routes: Self.routes) { server in
            let limited = try await crawl(["seeds": .array([.string(server.url("/"))]), "limit": 2])
            #expect(limited.count == 2)
            let onlyNews = try await crawl(["seeds": .array([.string(server.url("/"))]), "follow": ["/news/"], "maxDepth": 3])
            #expect(Set(onlyNews.map { URL(string: $0.url)?.path ?? "" }) == ["/", "/news/1", "/news/2"])
        }
    }

    @Test func aCrawledPageIsNotFetchedTwiceByThePipeline() async throws {
        let output = try TemporaryFolder()
        defer { output.remove() }
        try await TestHTTPServer.run(routes: Self.routes) { server in
            let pipeline = try PipelineLoader(registry: .builtins, environment: ["OUT": output.url.path]).load(
                text: """
                    {"sources": [{"use": "crawl", "seeds": ["\(server.url("/"))"], "include": ["/news/"], "maxDepth": 1, "delay": 0, "robots": false}],
                     "fetch": [{"use": "http", "delay": 0, "robots": false}],
                     "steps": ["html", {"use": "article", "requireBody": false}],
                     "sinks": [{"use": "jsonl", "path": "${OUT}/a.jsonl"}], "deadLetters": {"use": "jsonl", "path": "${OUT}/d.jsonl"}}
                    """)
            let summary = try await PipelineRunner(pipeline: pipeline).run()
            #expect(summary.written == 2)
            // The crawl reads the home page for links; the news pages at the last depth are fetched by
            // the pipeline, once; the section page at the last depth is neither followed nor kept.
            #expect(server.exchanges.map(\.request.path).sorted() == ["/", "/news/1", "/news/2"])
        }
    }

    @Test func robotsAndTheDelayHoldForCrawling() async throws {
        try await TestHTTPServer.run(routes: { request in
            request.path == "/robots.txt"
                ? TestResponse(status: 200, body: Array("User-agent: *\nDisallow: /news/2\nDisallow: /news/3\n".utf8)) : Self.routes(request)
        }) { server in
            let records = try await crawl([
                "seeds": .array([.string(server.url("/"))]), "include": ["/news/\\d+$"], "maxDepth": 2,
                "robots": true, "delay": 0.2,
            ])
            // /news/2 is disallowed at depth 1 (not fetched), /news/3 at depth 2, the last (not sent:
            // the crawl checks robots.txt for the pages it leaves to the pipeline's fetcher too).
            #expect(records.map { URL(string: $0.url)?.path ?? "" } == ["/news/1"])
            let paths = server.exchanges.map(\.request.path)
            #expect(!paths.contains("/news/2"), "robots.txt disallows it")
            let pages = server.exchanges.filter { $0.request.path != "/robots.txt" }
            let gaps = zip(pages.dropFirst(), pages).map { $0.request.arrival - $1.request.arrival }
            #expect(gaps.allSatisfy { $0 >= .milliseconds(200) }, "\(gaps)")
        }
    }

    @Test func badOptionsAreRefused() {
        #expect(throws: OptionError.self) { try CrawlSource(options: PluginOptions(["seeds": "ftp://x/"])) }
        #expect(throws: OptionError.self) { try CrawlSource(options: PluginOptions(["seeds": "https://x/", "include": ["(unclosed"]])) }
    }
}
