import ETLHTML
import ETLKit
import ETLTestSupport
import Foundation
import Logging
import Synchronization
import Testing

@testable import ETLPlugins

/// Issue #10: libxml2's limits. A text node over 10,000,000 characters used to be cut there (and
/// the rest of the page dropped) with exit 0; pages are now parsed with HUGE and kept whole, and a
/// parse libxml2 still stops is refused with its reason. XML (sitemaps, feeds) is parsed without
/// HUGE, so an entity bomb stays stopped.
@Suite struct ParseLimitsTests {
    /// Runs `pages` (file name → HTML) through files → html → article → jsonl; the records and dead letters.
    func run(_ pages: [String: String]) async throws -> (records: [[String: Any]], dead: [[String: Any]]) {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        for (name, html) in pages { _ = try folder.write(html, to: name) }
        let pipeline = try PipelineLoader(registry: .builtins, environment: [:]).load(
            text: """
                {"sources": [{"use": "files", "glob": "\(folder.path("*.html"))"}], "steps": ["html", "article"],
                 "sinks": [{"use": "jsonl", "path": "\(folder.path("articles.jsonl"))"}],
                 "deadLetters": {"use": "jsonl", "path": "\(folder.path("dead.jsonl"))"}}
                """)
        _ = try await PipelineRunner(pipeline: pipeline).run()
        let records = FileManager.default.fileExists(atPath: folder.path("articles.jsonl")) ? try readJSONLines(folder.path("articles.jsonl")) : []
        let dead = FileManager.default.fileExists(atPath: folder.path("dead.jsonl")) ? try readJSONLines(folder.path("dead.jsonl")) : []
        return (records, dead)
    }

    @Test func aTextNodeOfTenAndAHalfMillionCharactersIsKeptWhole() async throws {
        let word = "lorem ipsum dolor sit amet, "
        let end = "and this is where the paragraph ends."
        let count = (10_500_000 - end.count) / word.count + 1
        let paragraph = String(repeating: word, count: count) + end
        #expect(paragraph.count > 10_500_000)
        let html = "<html><head><title>Long</title></head><body><article><h1>Long</h1><p>\(paragraph)</p><p>After the long one.</p></article></body></html>"
        let (records, dead) = try await run(["long.html": html])
        #expect(dead.isEmpty)
        let body = try #require(records.first?["body"] as? String)
        #expect(body.contains(end))
        #expect(body.contains("After the long one."))
        #expect(body.utf8.count >= paragraph.utf8.count)
    }

    @Test func aPageNestedDeeperThanTheOldLimitIsReadWhole() async throws {
        // libxml2 stops at 256 levels without HUGE: the text below them was dropped silently.
        let html =
            "<html><body>" + String(repeating: "<div>", count: 400)
            + "<p>Deep inside the page there is a paragraph long enough to be the article's body, with commas, and words.</p>"
            + String(repeating: "</div>", count: 400) + "</body></html>"
        let (records, dead) = try await run(["deep.html": html])
        #expect(dead.isEmpty)
        #expect((records.first?["body"] as? String)?.contains("Deep inside the page") == true)
    }

    @Test func aPageTooDeepToCleanIsADeadLetterWithTheReason() async throws {
        // Deeper than the cleaner's stack allows: the page is refused, not cut (nor a crash).
        let html = "<html><body>" + String(repeating: "<div>", count: 3000) + "<p>Too deep.</p></body></html>"
        let (records, dead) = try await run(["deeper.html": html])
        #expect(records.isEmpty)
        let letter = try #require(dead.first)
        #expect(letter["step"] as? String == "html")
        let reason = try #require(letter["reason"] as? String)
        #expect(reason.contains("libxml2 stopped reading"))
        #expect(reason.contains("nest deeper than 512 levels"))
    }

    @Test func aPageDeeperThanTheCleanerWalksIsADeadLetterAlsoWhenTheDepthIsHidden() async throws {
        // Within libxml2's limit (2048) but deeper than the cleaner's walk (512): refused by the
        // walk itself, also when the deep part sits in a subtree the walk skips (hidden, a script, a
        // template), which other readers of the tree may still enter.
        let prose = "<p>A paragraph long enough to be the article's body, with commas, and words, and more words.</p>"
        for (name, deep) in [
            ("open.html", String(repeating: "<div>", count: 600) + prose + String(repeating: "</div>", count: 600)),
            ("hidden.html", "<div hidden>" + String(repeating: "<div>", count: 600) + String(repeating: "</div>", count: 600) + "</div>" + prose),
        ] {
            let (records, dead) = try await run([name: "<html><body>" + deep + "</body></html>"])
            #expect(records.isEmpty, "\(name)")
            let reason = try #require(dead.first?["reason"] as? String)
            #expect(reason.contains("nest deeper than 512 levels"), "\(name): \(reason)")
        }
        // 500 levels, hidden or not, are read.
        let (records, dead) = try await run([
            "fine.html": "<html><body><div hidden>" + String(repeating: "<div>", count: 500) + String(repeating: "</div>", count: 500)
                + "</div>" + prose + "</body></html>"
        ])
        #expect(dead.isEmpty)
        #expect(records.count == 1)
    }

    // MARK: XML entity bombs

    /// A "billion laughs": 10⁹ × "lol" if libxml2 expanded it.
    static let bombDeclarations = """
        <?xml version="1.0"?>
        <!DOCTYPE lolz [
          <!ENTITY lol "lol">
          <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
          <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
          <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
          <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
          <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
          <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
          <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
          <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
          <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
        ]>
        """
    static let sitemapBomb =
        bombDeclarations + """
            <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
            <url><loc>https://example.com/&lol9;</loc></url>
            <url><loc>https://example.com/after</loc></url>
            </urlset>
            """
    static let feedBomb =
        bombDeclarations + """
            <rss version="2.0"><channel><title>&lol9;</title>
            <item><title title="&lol9;">&lol9;</title><link>https://example.com/&lol9;</link></item>
            <item><title>After</title><link>https://example.com/after</link></item>
            </channel></rss>
            """

    @Test func aSitemapBombNeitherExpandsNorHangs() async throws {
        try await TestHTTPServer.run(routes: { _ in
            TestResponse(status: 200, headers: [("content-type", "application/xml")], body: Array(Self.sitemapBomb.utf8))
        }) { server in
            let source = try SitemapSource(options: PluginOptions(["urls": .array([.string(server.url("/sitemap.xml"))]), "delay": 0]))
            let sent = Mutex<[String]>([])
            let error = try await #require(throws: SitemapError.self) {
                try await source.produce(into: RecordOutput { record in sent.withLock { $0.append(record.url) } }, context: .namingLoopback())
            }
            #expect(sent.withLock { $0 }.isEmpty)
            #expect(error.description.contains("libxml2 stopped reading \(server.url("/sitemap.xml"))"))
            #expect(error.description.contains("entity"))
        }
    }

    @Test func aFeedBombNeitherExpandsNorHangs() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = try folder.write(Self.feedBomb, to: "feed.xml")
        let source = try FeedSource(options: PluginOptions(["urls": .array([.string(path)])]))
        let sent = Mutex<[String]>([])
        let error = try await #require(throws: FeedError.self) {
            try await source.produce(into: RecordOutput { record in sent.withLock { $0.append(record.url) } }, context: .namingLoopback())
        }
        #expect(sent.withLock { $0 }.isEmpty)
        #expect(error.description.contains("libxml2 stopped reading"))
        #expect(error.description.contains("entity"))
    }

    /// Two large pages cleaned at the same time by one run take turns: each holds the gate's whole
    /// budget, so at most one page's bytes are ever held (two would double the peak memory).
    @Test func largePagesAreCleanedOneAtATime() async throws {
        let page = "<html><body><article>" + String(repeating: "<p>Ein Absatz mit Text.</p>\n", count: 160_000) + "</article></body></html>"
        #expect(page.utf8.count >= HTMLParsing.largePage)
        let cleaner = try HTMLCleaner(options: PluginOptions([:]))
        let context = RunContext(logger: Logger(label: "etl.tests.gate"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<2 {
                group.addTask {
                    var record = Record(url: "https://example.com/\(index)", source: "test")
                    record.document = Document(text: page, mediaType: "text/html", charset: "utf-8")
                    let cleaned = try await cleaner.clean(record, context: context)
                    #expect(cleaned.page?.blocks.isEmpty == false)
                }
            }
            try await group.waitForAll()
        }
        let gate = context.services.value { LargePageGate() }
        #expect(gate.budget.mostHeld == page.utf8.count)
        #expect(gate.budget.held == 0)
    }
}
