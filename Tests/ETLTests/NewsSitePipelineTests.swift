import Foundation
import Synchronization
import Testing

/// `pipelines/news-site.json` as a user runs it, against a small news site on 127.0.0.1: robots.txt
/// lists the sitemap, the sitemap lists the demo pages; the second run writes nothing new.
@Suite struct NewsSitePipelineTests {
    @Test func secondRunFetchesNothingNew() async throws {
        let expectations = try DemoExpectation.all()
        var pages: [String: [UInt8]] = [:]
        for name in expectations.keys {
            pages["/news/" + name] = try Array(Data(contentsOf: DemoExpectation.pagesFolder.appendingPathComponent(name)))
        }
        let served = pages
        let base = Mutex("")
        let output = try TemporaryFolder()
        defer { output.remove() }
        try await TestHTTPServer.run(routes: { request in
            let root = base.withLock { $0 }
            switch request.path {
            case "/robots.txt":
                return TestResponse(status: 200, headers: [("content-type", "text/plain")], body: Array("User-agent: *\nAllow: /\nSitemap: \(root)/sitemap.xml\n".utf8))
            case "/sitemap.xml":
                let urls = served.keys.sorted().map { "<url><loc>\(root)\($0)</loc></url>" }.joined()
                return TestResponse(status: 200, headers: [("content-type", "application/xml")],
                                    body: Array("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\(urls)</urlset>".utf8))
            default:
                guard let page = served[request.path] else { return TestResponse(status: 404) }
                let etag = "\"\(request.path.hashValue)\""
                if request.header("if-none-match") == etag { return TestResponse(status: 304, headers: [("etag", etag)]) }
                return TestResponse(status: 200, headers: [("content-type", "text/html"), ("etag", etag)], body: page)
            }
        }) { server in
            base.withLock { $0 = server.url("") }
            let environment = ["SITE": server.url(""), "OUT": output.url.path, "DELAY": "0"]
            let first = try CommandLineTool.run(["run", "pipelines/news-site.json"], environment: environment)
            #expect(first.status == 0, "\(first.standardError)")
            #expect(first.standardOutput.contains("in 5 = written 5 + skipped 0"), "\(first.standardOutput)")
            let second = try CommandLineTool.run(["run", "pipelines/news-site.json"], environment: environment)
            #expect(second.status == 0, "\(second.standardError)")
            #expect(second.standardOutput.contains("written 0 + skipped 5 (unchanged 5)"), "\(second.standardOutput)")
            #expect(try readJSONLines(output.path("articles.jsonl")).count == 5)
            // The second run asked conditionally and got 304 for every page.
            let conditional = server.exchanges.filter { $0.request.path.hasPrefix("/news/") && $0.request.header("if-none-match") != nil }
            #expect(conditional.count == 5)
        }
    }
}
