import ETLKit
import ETLTestSupport
import Foundation
import Synchronization
import Testing

@testable import ETLPlugins

/// Only the pipeline file chooses schemes (issue #10, point 1): URLs found in content fetched over
/// http(s) — sitemap entries and children, robots.txt Sitemap lines, feed items, crawl links —
/// must be http(s). A local file they name is never read, whatever fetchers the pipeline has; a
/// local sitemap the pipeline itself names may still list local files.
@Suite struct UntrustedSchemeTests {
    static let secret = "SECRET-7f3a9c-do-not-leak"

    /// An article page the default steps write out, with `marker` in its body.
    static func article(_ marker: String) -> String {
        let sentence = "This paragraph is long enough for the article extractor to keep it as the body of the page, \(marker). "
        return "<html><head><title>Story \(marker)</title></head><body><article><h1>Story \(marker)</h1>"
            + "<p>\(sentence)\(sentence)</p><p>\(sentence)\(sentence)</p><p>\(sentence)</p></article></body></html>"
    }

    static func sitemap(_ locations: [String]) -> TestResponse {
        let entries = locations.map { "<url><loc>\($0)</loc></url>" }.joined()
        return TestResponse(
            headers: [(name: "content-type", value: "application/xml")],
            body: Array("<?xml version=\"1.0\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\(entries)</urlset>".utf8))
    }

    /// Runs a pipeline with `sources` (JSON), the http fetcher and the file fetcher (the defaults,
    /// quick) and the default steps; returns the summary, the output file's text and the dead letters.
    func run(sources: String, in folder: TemporaryFolder) async throws -> (RunSummary, String, [[String: Any]]) {
        let pipeline = try PipelineLoader(registry: .builtins, environment: ["OUT": folder.url.path]).load(
            text: """
                {
                  "sources": [\(sources)],
                  "fetch": [{ "use": "http", "delay": 0, "robots": false, "retries": 0 }, "file"],
                  "sinks": [{ "use": "jsonl", "path": "${OUT}/out.jsonl" }],
                  "deadLetters": { "use": "jsonl", "path": "${OUT}/dead.jsonl" }
                }
                """)
        let summary = try await PipelineRunner(pipeline: pipeline).run()
        let output = (try? String(contentsOfFile: folder.path("out.jsonl"), encoding: .utf8)) ?? ""
        let dead = FileManager.default.fileExists(atPath: folder.path("dead.jsonl")) ? try readJSONLines(folder.path("dead.jsonl")) : []
        return (summary, output, dead)
    }

    @Test func theRule() {
        let remote = "https://example.com/sitemap.xml"
        #expect(UntrustedScheme("https://example.com/a", foundIn: remote) == nil)
        #expect(UntrustedScheme("HTTP://example.com/a", foundIn: remote) == nil)
        #expect(UntrustedScheme("file:///etc/passwd", foundIn: remote) != nil)
        #expect(UntrustedScheme("/etc/passwd", foundIn: remote) != nil)
        #expect(UntrustedScheme("ftp://example.com/a", foundIn: remote) != nil)
        // A local document is the user's own: its entries may be files.
        #expect(UntrustedScheme("file:///srv/pages/a.html", foundIn: "file:///srv/sitemap.xml") == nil)
        #expect(UntrustedScheme("/srv/pages/a.html", foundIn: "/srv/sitemap.xml") == nil)
    }

    @Test func aRemoteSitemapCannotMakeTheFileFetcherReadLocalFiles() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let secretFile = try folder.write(Self.article(Self.secret), to: "secret.html")
        let secretPath = try folder.write(Self.article(Self.secret), to: "secret-by-path.html")
        let base = Mutex("")
        try await TestHTTPServer.run(routes: { request in
            switch request.path {
            case "/sitemap.xml": return Self.sitemap(["file://\(secretFile)", secretPath, base.withLock { $0 } + "/news/1"])
            case "/news/1": return .html(Self.article("public"))
            default: return .notFound
            }
        }) { server in
            base.withLock { $0 = server.url("") }
            let (summary, output, dead) = try await run(
                sources: "{ \"use\": \"sitemap\", \"urls\": [\"\(server.url("/sitemap.xml"))\"], \"delay\": 0 }", in: folder)
            #expect(summary.written == 1)  // the public page: such a page is written
            #expect(summary.deadLetters == 2)
            #expect(!output.contains(Self.secret))
            let refused = dead.filter { ($0["reason"] as? String)?.contains("is not an http or https URL") == true }
            #expect(Set(refused.compactMap { $0["url"] as? String }) == ["file://\(secretFile)", secretPath], "\(dead)")
            #expect(refused.allSatisfy { $0["foundIn"] as? String == server.url("/sitemap.xml") })
            #expect(!dead.contains { "\($0)".contains(Self.secret) })
        }
    }

    @Test func sitemapsFoundInRemoteContentAreNotReadFromDisk() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        // A local sitemap that, if read, would send a request the server can see.
        try await TestHTTPServer.run(routes: { request in
            switch request.path {
            case "/robots.txt":
                return TestResponse(headers: [(name: "content-type", value: "text/plain")], body: Array("Sitemap: file://\(folder.path("local.xml"))\n".utf8))
            case "/index.xml":
                let body =
                    "<?xml version=\"1.0\"?><sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><sitemap><loc>file://\(folder.path("local.xml"))</loc></sitemap></sitemapindex>"
                return TestResponse(headers: [(name: "content-type", value: "application/xml")], body: Array(body.utf8))
            default: return .notFound
            }
        }) { server in
            _ = try folder.write(
                "<?xml version=\"1.0\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><url><loc>\(server.url("/leak"))</loc></url></urlset>",
                to: "local.xml")
            for options: [String: JSONValue] in [["urls": [.string(server.url("/index.xml"))]], ["site": .string(server.url(""))]] {
                let source = try SitemapSource(options: PluginOptions(options.merging(["delay": 0, "robots": false]) { given, _ in given }))
                let sent = Mutex<[String]>([])
                let error = await #expect(throws: SitemapError.self) {
                    try await source.produce(into: RecordOutput { record in sent.withLock { $0.append(record.url) } }, context: .namingLoopback())
                }
                #expect(sent.withLock { $0 }.isEmpty, "\(options)")
                #expect(error?.description.contains("file://\(folder.path("local.xml")) was found in") == true, "\(String(describing: error))")
            }
            #expect(!server.exchanges.contains { $0.request.path == "/leak" })
        }
    }

    @Test func aLocalSitemapTheUserNamedMayListLocalFiles() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let page = try folder.write(Self.article("mine"), to: "mine.html")
        let sitemap = try folder.write(
            "<?xml version=\"1.0\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><url><loc>file://\(page)</loc></url></urlset>",
            to: "sitemap.xml")
        let (summary, output, _) = try await run(sources: "{ \"use\": \"sitemap\", \"urls\": [\"file://\(sitemap)\"] }", in: folder)
        #expect(summary.written == 1)
        #expect(output.contains("mine"))
    }

    @Test func feedItemsFromARemoteFeedMustBeHTTP() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let secretFile = try folder.write(Self.article(Self.secret), to: "secret.html")
        let base = Mutex("")
        try await TestHTTPServer.run(routes: { request in
            switch request.path {
            case "/feed.xml":
                let feed = """
                    <?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
                    <item><title>a</title><link>file://\(secretFile)</link></item>
                    <item><title>b</title><link>\(base.withLock { $0 })/news/1</link></item>
                    </channel></rss>
                    """
                return TestResponse(headers: [(name: "content-type", value: "application/rss+xml")], body: Array(feed.utf8))
            case "/news/1": return .html(Self.article("public"))
            default: return .notFound
            }
        }) { server in
            base.withLock { $0 = server.url("") }
            let (summary, output, dead) = try await run(sources: "{ \"use\": \"feed\", \"urls\": [\"\(server.url("/feed.xml"))\"], \"delay\": 0 }", in: folder)
            #expect(summary.written == 1)
            #expect(!output.contains(Self.secret))
            #expect(dead.count == 1)
            #expect(dead.first?["url"] as? String == "file://\(secretFile)")
            #expect((dead.first?["reason"] as? String)?.contains("is not an http or https URL") == true, "\(dead)")
        }
    }

    @Test func crawlLinksToLocalFilesAreNeverFollowed() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let secretFile = try folder.write(Self.article(Self.secret), to: "secret.html")
        try await TestHTTPServer.run(routes: { request in
            switch request.path {
            case "/": return .html("<html><body><a href=\"file://\(secretFile)\">a</a><a href=\"/based\">b</a></body></html>")
            case "/based": return .html("<html><head><base href=\"file:///\"></head><body><a href=\"\(secretFile)\">c</a></body></html>")
            default: return .notFound
            }
        }) { server in
            let (_, output, dead) = try await run(
                sources: "{ \"use\": \"crawl\", \"seeds\": [\"\(server.url("/"))\"], \"maxDepth\": 2, \"delay\": 0, \"robots\": false }", in: folder)
            #expect(!output.contains(Self.secret))
            #expect(!dead.contains { ($0["url"] as? String)?.hasPrefix("file:") == true || ($0["url"] as? String)?.hasPrefix("/") == true })
        }
    }
}
