import ETLKit
import ETLPlugins
import ETLTestSupport
import Foundation
import GRDB
import Testing

/// The whole path on real parts: a real HTTP server on 127.0.0.1 serves the demo pages, libcurl
/// fetches them, libxml2 cleans them, and the records land in SQLite and JSONL; pages that fail go
/// to the dead-letter sink and the run goes on.
@Suite struct EndToEndTests {
    @Test func httpToSQLiteAndJSONL() async throws {
        let expectations = try DemoExpectation.all()
        var pages: [String: [UInt8]] = [:]
        for name in expectations.keys {
            pages["/news/" + name] = try Array(Data(contentsOf: DemoExpectation.pagesFolder.appendingPathComponent(name)))
        }
        let served = pages
        let output = try TemporaryFolder()
        defer { output.remove() }

        try await TestHTTPServer.run(routes: { request in
            if let page = served[request.path] {
                // No charset in the header: the windows-1256 page must be decoded from its <meta>.
                return TestResponse(status: 200, headers: [("content-type", "text/html")], body: page)
            }
            if request.path == "/broken" { return TestResponse(status: 500, body: Array("oops".utf8)) }
            if request.path == "/picture.png" { return TestResponse(status: 200, headers: [("content-type", "image/png")], body: [0x89, 0x50, 0x4E, 0x47]) }
            if request.path == "/empty" { return .html("<html><body><nav><a href='/'>Home</a></nav></body></html>") }
            return TestResponse(status: 404, body: Array("not found".utf8))
        }) { server in
            let urls = expectations.keys.sorted().map { server.url("/news/" + $0) } + ["/broken", "/picture.png", "/empty", "/missing"].map(server.url)
            let urlList = urls.map { "\"\($0)\"" }.joined(separator: ", ")
            let pipeline = try PipelineLoader(registry: .builtins, environment: ["OUT": output.url.path]).load(
                text: """
                    {
                      "sources": [{ "use": "urls", "urls": [\(urlList)] }],
                      "fetch": [{ "use": "http", "perHost": 4, "timeout": 10, "delay": 0, "robots": false, "retries": 0 }],
                      "steps": ["html", "article"],
                      "sinks": [
                        { "use": "sqlite", "path": "${OUT}/articles.sqlite" },
                        { "use": "jsonl", "path": "${OUT}/articles.jsonl" }
                      ],
                      "deadLetters": { "use": "jsonl", "path": "${OUT}/dead.jsonl" }
                    }
                    """)
            let summary = try await PipelineRunner(pipeline: pipeline).run()
            #expect(summary.input == urls.count)
            #expect(summary.written == expectations.count)
            #expect(summary.deadLetters == 4)
            #expect(summary.reconciles)
            #expect(summary.exitCode == 1)
            // Counted alike: failures by kind (without their URLs), responses by status.
            #expect(summary.failureKinds["fetch:http: HTTP status 404"] == 1, "\(summary.failureKinds)")
            #expect(summary.failureKinds["fetch:http: HTTP status 500"] == 1, "\(summary.failureKinds)")
            #expect(summary.statuses[200, default: 0] >= expectations.count, "\(summary.statuses)")
            // Every URL was requested once.
            #expect(Set(server.exchanges.map(\.request.path)).count == urls.count)
        }

        // Dead letters: each failed URL with its step and reason.
        let dead = try readJSONLines(output.path("dead.jsonl"))
        let reasons = Dictionary(
            uniqueKeysWithValues: dead.compactMap { letter -> (String, String)? in
                guard let url = letter["url"] as? String, let reason = letter["reason"] as? String, let step = letter["step"] as? String else { return nil }
                return (URL(string: url)?.path ?? url, "\(step): \(reason)")
            })
        #expect(reasons["/broken"]?.contains("500") == true, "\(reasons)")
        #expect(reasons["/missing"]?.contains("404") == true, "\(reasons)")
        #expect(reasons["/picture.png"]?.contains("image/png") == true, "\(reasons)")
        #expect(reasons["/empty"]?.hasPrefix("article") == true, "\(reasons)")

        // SQLite: one row per page, fields exact.
        let database = try DatabaseQueue(path: output.path("articles.sqlite"))
        let rows = try database.read { db in try Row.fetchAll(db, sql: "SELECT * FROM articles") }
        #expect(rows.count == expectations.count)
        for row in rows {
            let url: String = row["url"]
            let name = URL(string: url)?.lastPathComponent ?? url
            let expected = try #require(expectations[name])
            #expect(row["title"] == expected.title, "title of \(name)")
            #expect(row["lead"] == expected.lead, "lead of \(name)")
            #expect(row["canonicalUrl"] == expected.canonicalUrl, "canonicalUrl of \(name)")
            let body: String = row["body"]
            #expect(body.components(separatedBy: "\n\n") == expected.paragraphs, "body of \(name)")
            let text = [row["title"], row["pretitle"], row["lead"], body].compactMap { $0 as String? }.joined()
            #expect(zeroWidthNonJoiners(in: text) == expected.zwnjCount, "ZWNJs of \(name)")
        }
        // JSONL holds the same records.
        let lines = try readJSONLines(output.path("articles.jsonl"))
        #expect(Set(lines.compactMap { $0["title"] as? String }) == Set(expectations.values.map(\.title)))
    }
}
