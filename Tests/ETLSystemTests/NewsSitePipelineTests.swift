import ETLTestSupport
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

    /// Issue #11's "done when": run twice a day against a site with a dead link, the pipeline exits 0
    /// from its second run on, the dead link remembered and not asked again until its back-off.
    @Test func deadLinkIsRememberedFromTheSecondRunOn() async throws {
        var site = try LocalNewsSite()
        site.etags = true
        site.deadLinks = ["/news/gone"]
        let output = try TemporaryFolder()
        defer { output.remove() }
        try await site.serve { server, _ in
            let environment = ["SITE": server.url(""), "OUT": output.url.path, "DELAY": "0"]
            func deadLinkRequests() -> Int { server.exchanges.filter { $0.request.path == "/news/gone" }.count }

            let first = try CommandLineTool.run(["run", "pipelines/news-site.json"], environment: environment)
            #expect(first.status == 1, "the dead link is a dead letter the first time: \(first.standardError)")
            #expect(first.standardError.contains("in 6 = written 5 + skipped 0 (unchanged 0) + dead letters 1"), "\(first.standardError)")
            #expect(deadLinkRequests() == 1)

            for run in 2...3 {
                let next = try CommandLineTool.run(["run", "pipelines/news-site.json"], environment: environment)
                #expect(next.status == 0, "run \(run): \(next.standardError)")
                #expect(
                    next.standardError.contains("in 6 = written 0 + skipped 6 (unchanged 5, remembered failures 1) + dead letters 0"),
                    "run \(run): \(next.standardError)")
                #expect(deadLinkRequests() == 1, "run \(run) did not ask for the dead link again")
            }
            let deadLetters = try readJSONLines(output.path("dead-letters.jsonl"))
            #expect(deadLetters.count == 1)
            #expect((deadLetters.first?["reason"] as? String)?.contains("HTTP status 404") == true)
        }
    }

    /// One `userAgent` and `delay` at the top level reach every plugin that fetches: robots.txt,
    /// sitemaps, feeds and pages are all asked for under one name; a plugin's own value wins.
    @Test func topLevelUserAgentReachesEveryRequest() async throws {
        let site = try LocalNewsSite()
        let output = try TemporaryFolder()
        defer { output.remove() }
        try await site.serve { server, _ in
            let result = try CommandLineTool.run(
                ["run", "pipelines/news-site.json", "--set", "userAgent=etl-test-agent/1"],
                environment: ["SITE": server.url(""), "OUT": output.url.path, "DELAY": "0"])
            #expect(result.status == 0, "\(result.standardError)")
            let agents = Set(server.exchanges.map { $0.request.header("user-agent") ?? "none" })
            #expect(agents == ["etl-test-agent/1"], "\(agents)")
            #expect(server.exchanges.contains { $0.request.path == "/robots.txt" } && server.exchanges.contains { $0.request.path.hasPrefix("/news/") })
            // robots.txt is read once for the whole run, not once per plugin.
            #expect(server.exchanges.filter { $0.request.path == "/robots.txt" }.count == 1)

            let own = try CommandLineTool.run(
                [
                    "run", "pipelines/news-site.json", "--full-refresh", "--set", "userAgent=etl-test-agent/1",
                    "--set", "sources[1].userAgent=feed-agent/2",
                ],
                environment: ["SITE": server.url(""), "OUT": output.url.path, "DELAY": "0"])
            #expect(own.status == 0, "\(own.standardError)")
            #expect(server.exchanges.contains { $0.request.path == "/rss" && $0.request.header("user-agent") == "feed-agent/2" })
        }
    }
}
