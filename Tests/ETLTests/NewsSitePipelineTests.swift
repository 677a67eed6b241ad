import Foundation
import Testing

/// `pipelines/news-site.json` as a user runs it, against a small news site on 127.0.0.1: robots.txt
/// lists the sitemap, the sitemap lists the demo pages; the second run writes nothing new.
@Suite struct NewsSitePipelineTests {
    @Test func secondRunFetchesNothingNew() async throws {
        var site = try LocalNewsSite()
        site.etags = true
        let output = try TemporaryFolder()
        defer { output.remove() }
        try await site.serve { server, _ in
            let environment = ["SITE": server.url(""), "OUT": output.url.path, "DELAY": "0"]
            let first = try CommandLineTool.run(["run", "pipelines/news-site.json"], environment: environment)
            #expect(first.status == 0, "\(first.standardError)")
            #expect(first.standardError.contains("in 5 = written 5 + skipped 0"), "\(first.standardError)")
            // The feed lists the same five pages as the sitemap: each is taken once.
            #expect(first.standardError.contains("5 pages sent by more than one source, taken once"), "\(first.standardError)")
            #expect(server.exchanges.contains { $0.request.path == "/rss" })
            let second = try CommandLineTool.run(["run", "pipelines/news-site.json"], environment: environment)
            #expect(second.status == 0, "\(second.standardError)")
            #expect(second.standardError.contains("written 0 + skipped 5 (unchanged 5)"), "\(second.standardError)")
            #expect(try readJSONLines(output.path("articles.jsonl")).count == 5)
            // The second run asked conditionally and got 304 for every page.
            let conditional = server.exchanges.filter { $0.request.path.hasPrefix("/news/") && $0.request.header("if-none-match") != nil }
            #expect(conditional.count == 5)
        }
    }
}
