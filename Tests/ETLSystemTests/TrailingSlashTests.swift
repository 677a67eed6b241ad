import ETLKit
import ETLPlugins
import ETLTestSupport
import Foundation
import Synchronization
import Testing

/// `/x` and `/x/` are two URLs (RFC 3986; issue #10 point 3): a server may answer them with two
/// pages and robots.txt may rule them apart, so the crawl and the run's admission fetch both.
@Suite struct TrailingSlashTests {
    static let routes: @Sendable (TestRequest) -> TestResponse = { request in
        switch request.path {
        case "/": return .html("<html><body><a href=\"/x\">x</a> <a href=\"/x/\">x/</a></body></html>")
        case "/x": return .html("<html><body><article><p>The page without a slash, long enough to be an article body here.</p></article></body></html>")
        case "/x/": return .html("<html><body><article><p>The folder page with a slash, long enough to be an article body too.</p></article></body></html>")
        default: return .notFound
        }
    }

    @Test func aCrawlFetchesBoth() async throws {
        try await TestHTTPServer.run(routes: Self.routes) { server in
            let source = try CrawlSource(options: PluginOptions(["seeds": .array([.string(server.url("/"))]), "maxDepth": 2, "delay": 0, "robots": false]))
            let sent = Mutex<[String]>([])
            try await source.produce(into: RecordOutput { record in sent.withLock { $0.append(record.url) } }, context: .namingLoopback())
            #expect(sent.withLock { $0 } == [server.url("/"), server.url("/x"), server.url("/x/")])
            #expect(server.exchanges.map(\.request.path).sorted() == ["/", "/x", "/x/"])
        }
    }

    @Test func aRunAdmitsBothAndWritesBoth() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try await TestHTTPServer.run(routes: Self.routes) { server in
            let pipeline = try PipelineLoader(registry: .builtins, environment: ["OUT": folder.url.path]).load(
                text: """
                    {
                      "sources": [{ "use": "urls", "urls": ["\(server.url("/x"))", "\(server.url("/x/"))", "\(server.url("/x#again"))"] }],
                      "fetch": [{ "use": "http", "delay": 0, "robots": false, "retries": 0 }],
                      "steps": ["html"],
                      "sinks": [{ "use": "jsonl", "path": "${OUT}/out.jsonl" }],
                      "deadLetters": { "use": "jsonl", "path": "${OUT}/dead.jsonl" }
                    }
                    """)
            let summary = try await PipelineRunner(pipeline: pipeline).run()
            #expect(summary.written == 2)
            #expect(summary.repeatedURLs == 1)  // the fragment is no other page
            #expect(server.exchanges.map(\.request.path).sorted() == ["/x", "/x/"])
        }
    }
}
