import ETLKit
import ETLPlugins
import ETLTestSupport
import Foundation
import Synchronization
import Testing

/// The `feed` source on RSS 2.0 and Atom, over a real HTTP server on 127.0.0.1 and from a file.
@Suite struct FeedSourceTests {
    static let rss = """
        <?xml version="1.0" encoding="UTF-8"?>
        <rss version="2.0"><channel><title>خبرگزاری</title>
        <item><title>خبر اول</title><link>https://www.example.ir/news/1</link><pubDate>Tue, 20 Jun 2023 08:51:00 GMT</pubDate></item>
        <item><title><![CDATA[خبر دوم]]></title><link>
          https://www.example.ir/news/2 </link><guid>ignored</guid></item>
        <item><title>بی‌پیوند</title><guid isPermaLink="true">https://www.example.ir/news/3</guid></item>
        <item><title>No link at all</title></item>
        </channel></rss>
        """
    static let atom = """
        <?xml version="1.0" encoding="utf-8"?>
        <feed xmlns="http://www.w3.org/2005/Atom"><title>Example</title>
        <entry><title>Entry one</title><link rel="self" href="https://example.com/self/1"/><link href="https://example.com/posts/1"/>
        <id>urn:uuid:1</id><published>2024-11-26T10:00:00Z</published></entry>
        <entry><title>Entry two</title><link rel="alternate" type="text/html" href="https://example.com/posts/2"/><updated>2024-11-27T10:00:00Z</updated></entry>
        </feed>
        """

    /// Runs a feed source and collects what it sends.
    func records(_ options: [String: JSONValue]) async throws -> [Record] {
        // No delay between downloads: the run-wide schedule has its own tests.
        let source = try FeedSource(options: PluginOptions(options.merging(["delay": 0]) { given, _ in given }))
        let collected = Mutex<[Record]>([])
        try await source.produce(
            into: RecordOutput { record in collected.withLock { $0.append(record) } },
            context: .namingLoopback())
        return collected.withLock { $0 }
    }

    /// `since`/`until` keep the items dated inside the window (RSS's RFC 822 dates and Atom's ISO ones);
    /// an undated item is kept.
    @Test func sinceAndUntilKeepTheItemsInsideTheWindow() async throws {
        try await TestHTTPServer.run(routes: { request in
            .init(status: 200, headers: [("content-type", "application/xml")], body: Array((request.path == "/rss" ? Self.rss : Self.atom).utf8))
        }) { server in
            let rss = try await records(["urls": .string(server.url("/rss")), "since": "2023-06-20T08:00:00Z", "until": "2023-06-21"])
            #expect(rss.map(\.url) == ["https://www.example.ir/news/1", "https://www.example.ir/news/2", "https://www.example.ir/news/3"])
            let late = try await records(["urls": .string(server.url("/rss")), "since": "2023-06-20T09:00:00Z"])
            #expect(late.map(\.url) == ["https://www.example.ir/news/2", "https://www.example.ir/news/3"])
            let atom = try await records(["urls": .string(server.url("/atom")), "until": "2024-11-27"])
            #expect(atom.map(\.url) == ["https://example.com/posts/1"])
        }
    }

    /// A site that announces no feed and has none at the usual paths: no items, no failure. A site
    /// that cannot be reached is a failure that says so (not "announces no feed").
    @Test func aSiteWithoutFeedsIsNotAFailureButAnUnreachableOneIs() async throws {
        try await TestHTTPServer.run(routes: { request in
            request.path == "/" ? .html("<html><head><title>Home</title></head><body><p>No feed here.</p></body></html>") : .init(status: 404)
        }) { server in
            let found = try await records(["site": .string(server.url(""))])
            #expect(found.isEmpty)
            #expect(Set(server.exchanges.map(\.request.path)) == ["/robots.txt", "/", "/feed", "/rss", "/rss.xml"])
        }
        try await TestHTTPServer.run(routes: { _ in .init(status: 503) }) { server in
            do {
                _ = try await records(["site": .string(server.url(""))])
                Issue.record("a site answering 503 is a failure")
            } catch {
                #expect("\(error)".contains("the site cannot be reached"), "\(error)")
            }
        }
    }

    @Test func rssAndAtomOverHTTP() async throws {
        try await TestHTTPServer.run(routes: { request in
            switch request.path {
            case "/rss": return TestResponse(status: 200, headers: [("content-type", "application/rss+xml")], body: Array(Self.rss.utf8))
            case "/atom": return TestResponse(status: 200, headers: [("content-type", "application/atom+xml")], body: Array(Self.atom.utf8))
            default: return TestResponse(status: 404)
            }
        }) { server in
            let found = try await records(["urls": .array([.string(server.url("/rss")), .string(server.url("/atom"))])])
            #expect(
                found.map(\.url) == [
                    "https://www.example.ir/news/1", "https://www.example.ir/news/2", "https://www.example.ir/news/3",
                    "https://example.com/posts/1", "https://example.com/posts/2",
                ])
            #expect(found.map { $0.fields["title"]?.stringValue } == ["خبر اول", "خبر دوم", "بی\u{200C}پیوند", "Entry one", "Entry two"])
            #expect(found[0].fields["published"] == "2023-06-20T08:51:00Z")
            #expect(found[3].fields["published"] == "2024-11-26T10:00:00Z")
            #expect(found.allSatisfy { $0.source == "feed" })
        }
    }

    @Test func aBrokenFeedFailsAfterTheOthersAreRead() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let good = try folder.write(Self.rss, to: "feed.xml")
        let source = try FeedSource(options: PluginOptions(["urls": .array([.string("file:///nonexistent/feed.xml"), .string(good)]), "limit": 2]))
        let collected = Mutex<[String]>([])
        await #expect(throws: FeedError.self) {
            try await source.produce(
                into: RecordOutput { record in collected.withLock { $0.append(record.url) } },
                context: .namingLoopback())
        }
        #expect(collected.withLock { $0 } == ["https://www.example.ir/news/1", "https://www.example.ir/news/2"])
    }

    @Test func badOptionsAreRejected() {
        #expect(throws: OptionError.self) { try FeedSource(options: PluginOptions(["urls": .array([.string("ftp://x/feed")])])) }
        #expect(throws: OptionError.self) { try FeedSource(options: PluginOptions(["urls": .array([])])) }
    }

    @Test func aSitesFeedIsFoundFromItsHomePageOrTheUsualPaths() async throws {
        try await TestHTTPServer.run(routes: { request in
            switch request.path {
            case "/": return .html("<html><head><link rel=\"alternate\" type=\"application/rss+xml\" href=\"/fa/rss/allnews\"></head><body></body></html>")
            case "/fa/rss/allnews": return TestResponse(status: 200, headers: [("content-type", "application/rss+xml")], body: Array(Self.rss.utf8))
            default: return TestResponse(status: 404)
            }
        }) { server in
            let found = try await records(["site": .string(server.url("/"))])
            #expect(found.count == 3)
        }
        try await TestHTTPServer.run(routes: { request in
            switch request.path {
            case "/": return .html("<html><body>no feed announced</body></html>")
            case "/rss": return TestResponse(status: 200, headers: [("content-type", "application/xml")], body: Array(Self.atom.utf8))
            default: return TestResponse(status: 404)
            }
        }) { server in
            let found = try await records(["site": .string(server.url(""))])
            #expect(found.map(\.url) == ["https://example.com/posts/1", "https://example.com/posts/2"])
            // robots.txt first (it allows everything here: a 404), then the home page and the usual paths.
            #expect(server.exchanges.map(\.request.path) == ["/robots.txt", "/", "/feed", "/rss", "/rss"])
        }
    }
}
