import ETLKit
import ETLPlugins
import ETLTestSupport
import Foundation
import Testing

/// The demo pipeline, as a user runs it: one record per page, exact titles and leads, no boilerplate
/// in any body, every U+200C kept.
@Suite struct DemoPipelineTests {
    @Test func demoPagesBecomeExactArticles() async throws {
        let expectations = try DemoExpectation.all()
        let output = try TemporaryFolder()
        defer { output.remove() }
        let loader = PipelineLoader(
            registry: .builtins,
            environment: [
                "PAGES": DemoExpectation.pagesFolder.path + "/*.html", "OUT": output.url.path,
            ])
        let pipeline = try loader.load(file: CommandLineTool.packageRoot.appendingPathComponent("pipelines/demo.json").path)
        let summary = try await PipelineRunner(pipeline: pipeline).run()

        #expect(summary.input == expectations.count)
        #expect(summary.written == expectations.count)
        #expect(summary.deadLetters == 0)
        #expect(summary.reconciles)

        let records = try readJSONLines(output.path("articles.jsonl"))
        #expect(records.count == expectations.count)
        for record in records {
            let url = try #require(record["url"] as? String)
            let name = URL(string: url)?.lastPathComponent ?? url
            let expected = try #require(expectations[name], "no expectation for \(name)")
            #expect(record["title"] as? String == expected.title, "title of \(name)")
            #expect(record["lead"] as? String == expected.lead, "lead of \(name)")
            #expect(record["language"] as? String == "fa", "language of \(name)")
            #expect(record["canonicalUrl"] as? String == expected.canonicalUrl, "canonicalUrl of \(name)")
            let body = try #require(record["body"] as? String)
            #expect(body.components(separatedBy: "\n\n") == expected.paragraphs, "body paragraphs of \(name)")
            for line in expected.boilerplate {
                #expect(!body.contains(line), "boilerplate «\(line)» in the body of \(name)")
            }
            let text = [record["title"], record["pretitle"], record["lead"], record["body"]].compactMap { $0 as? String }.joined()
            #expect(zeroWidthNonJoiners(in: text) == expected.zwnjCount, "ZWNJs of \(name)")
            #expect(record["pretitle"] as? String == expected.pretitle, "pretitle of \(name)")
            #expect(record["published"] as? String == expected.published, "published of \(name)")
            #expect(record["newsId"] as? String == expected.newsId, "newsId of \(name)")
            #expect(record["category"] as? String == expected.category, "category of \(name)")
            #expect(record["site"] as? String == expected.site, "site of \(name)")
        }

        // The same records landed in SQLite (one row per page) and in the text corpus.
        let corpus = try FileManager.default.contentsOfDirectory(atPath: output.path("corpus"))
        #expect(corpus.filter { $0.hasSuffix(".txt") }.count == expectations.count)
        #expect(FileManager.default.fileExists(atPath: output.path("articles.sqlite")))
    }

    @Test func commandLineRunsTheDemoAndExitsZero() throws {
        let output = try TemporaryFolder()
        defer { output.remove() }
        let result = try CommandLineTool.run(["run", "pipelines/demo.json"], environment: ["OUT": output.url.path])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.contains("in 5 = written 5 + skipped 0 + dead letters 0"))
        #expect(try readJSONLines(output.path("articles.jsonl")).count == 5)
    }
}

/// The demo run twice with `dedup` keeping its state: each story is emitted once.
@Suite struct DemoDedupTests {
    @Test func aSecondRunEmitsNothingNew() async throws {
        let output = try TemporaryFolder()
        defer { output.remove() }
        let text = """
            {"sources": [{"use": "files", "glob": "${PAGES}"}], "steps": ["html", "article", {"use": "dedup", "state": "${OUT}/dedup.sqlite"}],
             "sinks": [{"use": "jsonl", "path": "${OUT}/articles.jsonl", "mode": "append"}], "deadLetters": {"use": "jsonl", "path": "${OUT}/dead.jsonl"}}
            """
        let loader = PipelineLoader(registry: .builtins, environment: ["PAGES": DemoExpectation.pagesFolder.path + "/*.html", "OUT": output.url.path])
        let first = try await PipelineRunner(pipeline: try loader.load(text: text)).run()
        let second = try await PipelineRunner(pipeline: try loader.load(text: text)).run()
        #expect(first.written == 5 && first.skipped == 0)
        #expect(second.written == 0 && second.skipped == 5)
        #expect(try readJSONLines(output.path("articles.jsonl")).count == 5)
    }
}
