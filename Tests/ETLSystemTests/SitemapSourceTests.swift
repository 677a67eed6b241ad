import ETLKit
import ETLPlugins
import Foundation
import Synchronization
import Testing

/// The `sitemap` source over a real HTTP server on 127.0.0.1: index → sitemaps (one gzipped) → pages.
@Suite struct SitemapSourceTests {
    static let news = """
        <?xml version="1.0" encoding="UTF-8"?>
        <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
        <url><loc>https://www.example.ir/news/1</loc><news:news><news:publication><news:name>نمونه</news:name></news:publication>
          <news:publication_date>2024-11-26T10:00:00+03:30</news:publication_date><news:title>خبر یک</news:title></news:news></url>
        <url><loc>https://www.example.ir/news/2</loc><lastmod>2024-11-20</lastmod></url>
        <url><loc> https://www.example.ir/news/3 </loc></url>
        </urlset>
        """
    static let old = """
        <?xml version="1.0" encoding="UTF-8"?>
        <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://www.example.ir/old/1</loc><lastmod>2019-01-01</lastmod></url></urlset>
        """

    static func index(_ base: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
        <sitemap><loc>\(base)/sitemap-news.xml</loc><lastmod>2024-11-26</lastmod></sitemap>
        <sitemap><loc>\(base)/sitemap-old.xml.gz</loc><lastmod>2019-01-02</lastmod></sitemap>
        <sitemap><loc>\(base)/sitemap-index.xml</loc></sitemap>
        </sitemapindex>
        """
    }

    static func gzip(_ text: String) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-c"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Array(data)
    }

    func run(_ options: [String: JSONValue]) async throws -> [Record] {
        // No delay between downloads: the run-wide schedule has its own tests.
        let source = try SitemapSource(options: PluginOptions(options.merging(["delay": 0]) { given, _ in given }))
        let sent = Mutex<[Record]>([])
        try await source.produce(into: RecordOutput { record in sent.withLock { $0.append(record) } }, context: .namingLoopback())
        return sent.withLock { $0 }
    }

    func serve(_ body: (TestHTTPServer) async throws -> Void) async throws {
        let compressed = try Self.gzip(Self.old)
        let base = Mutex("")
        try await TestHTTPServer.run(routes: { request in
            switch request.path {
            case "/robots.txt":
                return TestResponse(
                    status: 200, headers: [("content-type", "text/plain")],
                    body: Array("User-agent: *\nSitemap: \(base.withLock { $0 })/sitemap-index.xml\n".utf8))
            case "/sitemap-index.xml":
                return TestResponse(status: 200, headers: [("content-type", "application/xml")], body: Array(Self.index(base.withLock { $0 }).utf8))
            case "/sitemap-news.xml": return TestResponse(status: 200, headers: [("content-type", "application/xml")], body: Array(Self.news.utf8))
            case "/sitemap-old.xml.gz": return TestResponse(status: 200, headers: [("content-type", "application/x-gzip")], body: compressed)
            default: return TestResponse(status: 404)
            }
        }) { server in
            base.withLock { $0 = server.url("") }
            try await body(server)
        }
    }

    @Test func indexesAreFollowedAndGzipRead() async throws {
        try await serve { server in
            let records = try await run(["urls": .array([.string(server.url("/sitemap-index.xml"))])])
            #expect(
                records.map(\.url) == [
                    "https://www.example.ir/news/1", "https://www.example.ir/news/2", "https://www.example.ir/news/3",
                    "https://www.example.ir/old/1",
                ])
            #expect(records[0].fields["title"] == "خبر یک")
            #expect(records[0].fields["published"] == "2024-11-26T10:00:00+03:30")
            #expect(records[1].fields["modified"] == "2024-11-20")
            // The index lists itself: read once.
            #expect(server.exchanges.filter { $0.request.path == "/sitemap-index.xml" }.count == 1)
        }
    }

    @Test func theDateWindowSkipsOldPagesAndStaleSitemaps() async throws {
        try await serve { server in
            let records = try await run(["urls": .array([.string(server.url("/sitemap-index.xml"))]), "since": "2024-11-25"])
            #expect(records.map(\.url) == ["https://www.example.ir/news/1", "https://www.example.ir/news/3"])
            #expect(!server.exchanges.contains { $0.request.path == "/sitemap-old.xml.gz" })
        }
    }

    /// A site that lists no sitemap and has none at /sitemap.xml simply has none: no pages, no
    /// failure (a scheduled run over it exits 0). A sitemap named by URL that fails is a failure.
    @Test func aSiteWithoutSitemapsIsNotAFailure() async throws {
        try await TestHTTPServer.run(routes: { request in
            request.path == "/robots.txt"
                ? .init(status: 200, headers: [("content-type", "text/plain")], body: Array("User-agent: *\nAllow: /\n".utf8))
                : .init(status: 404)
        }) { server in
            let records = try await run(["site": .string(server.url("/"))])
            #expect(records.isEmpty)
            #expect(server.exchanges.contains { $0.request.path == "/sitemap.xml" })
            await #expect(throws: SitemapError.self) { try await run(["urls": .array([.string(server.url("/sitemap.xml"))])]) }
        }
    }

    @Test func aSiteIsDiscoveredThroughRobots() async throws {
        try await serve { server in
            let records = try await run(["site": .string(server.url("/")), "limit": 2])
            #expect(records.count == 2)
            #expect(server.exchanges.first?.request.path == "/robots.txt")
        }
    }

    @Test func badOptionsAreRefused() {
        #expect(throws: OptionError.self) { try SitemapSource(options: PluginOptions([:])) }
        #expect(throws: OptionError.self) { try SitemapSource(options: PluginOptions(["urls": "https://x/s.xml", "since": "last week"])) }
    }
}
