import ETLHTTP
import ETLKit
import ETLTestSupport
import Foundation
import GRDB
import Logging
import Synchronization
import Testing

@testable import ETLPlugins

/// Incremental runs: a real SQLite state store, a real HTTP server on 127.0.0.1 that answers
/// conditional requests, the runner in process and the `etl` binary.
@Suite struct StateTests {
    /// The pipelines' `"state"`: a SQLite file here; ``PostgresStateTests`` runs these tests again
    /// with a database's URL.
    var state = "${OUT}/state.sqlite"

    /// ``state`` with `${OUT}` replaced by the output folder.
    func location(_ output: TemporaryFolder) -> String {
        state.replacingOccurrences(of: "${OUT}", with: output.url.path)
    }

    /// Pages of the incremental-run server, by path, and what each one does.
    /// - `/etag`: ETag `"v1"`; 304 when If-None-Match is `"v1"`.
    /// - `/modified`: a Last-Modified; 304 when If-Modified-Since equals it.
    /// - `/changing`: no validators; its body changes with every request.
    /// - `/same`: no validators; always the same body (unchanged by hash).
    /// - `/flaky`: 500 to its first request, then 200.
    /// - `/down`: always 500.
    final class Site: Sendable {
        static let lastModified = "Wed, 21 Oct 2015 07:28:00 GMT"
        let counts = Mutex<[String: Int]>([:])
        let notModified = Mutex<[String]>([])

        func respond(_ request: TestRequest) -> TestResponse {
            let count = counts.withLock { counts in
                counts[request.path, default: 0] += 1
                return counts[request.path]!
            }
            func page(_ text: String, _ headers: [(name: String, value: String)] = []) -> TestResponse {
                TestResponse(
                    status: 200, headers: [(name: "content-type", value: "text/html; charset=utf-8")] + headers,
                    body: Array("<html><body><p>\(text)</p></body></html>".utf8))
            }
            func unchanged(_ headers: [(name: String, value: String)]) -> TestResponse {
                notModified.withLock { $0.append(request.path) }
                return TestResponse(status: 304, headers: headers)
            }
            switch request.path {
            case "/etag":
                let etag = [(name: "etag", value: "\"v1\"")]
                return request.header("if-none-match") == "\"v1\"" ? unchanged(etag) : page("etag page", etag)
            case "/modified":
                let header = [(name: "last-modified", value: Self.lastModified)]
                return request.header("if-modified-since") == Self.lastModified ? unchanged(header) : page("modified page", header)
            case "/changing":
                return page("changing page, version \(count)")
            case "/same":
                return page("same page")
            case "/flaky":
                return count == 1 ? TestResponse(status: 500, body: Array("oops".utf8)) : page("flaky page")
            case "/down":
                return TestResponse(status: 500, body: Array("down".utf8))
            default:
                return .notFound
            }
        }
    }

    static let paths = ["/etag", "/modified", "/changing", "/same", "/flaky", "/down"]

    func pipelineText(_ server: TestHTTPServer, paths: [String] = StateTests.paths, state: String? = nil) -> String {
        let state = state ?? self.state
        let urls = paths.map { "\"\(server.url($0))\"" }.joined(separator: ", ")
        return """
            {
              "sources": [{ "use": "urls", "urls": [\(urls)] }],
              "fetch": [{ "use": "http", "delay": 0, "robots": false, "retries": 0, "timeout": 10 }],
              "steps": [],
              "sinks": [
                { "use": "jsonl", "path": "${OUT}/records.jsonl", "mode": "append" },
                { "use": "sqlite", "path": "${OUT}/records.sqlite" }
              ],
              "deadLetters": { "use": "jsonl", "path": "${OUT}/dead.jsonl" },
              "state": "\(state)"
            }
            """
    }

    /// One run in process, with the pipeline loaded afresh (as a new process would) and the store
    /// opened and closed around it.
    func run(_ text: String, output: TemporaryFolder, fullRefresh: Bool = false) async throws -> RunSummary {
        let pipeline = try PipelineLoader(registry: .builtins, environment: ["OUT": output.url.path]).load(text: text)
        let location = try #require(pipeline.state)
        let store = try await StateStores.open(location)
        let summary = try await PipelineRunner(pipeline: pipeline, stateStore: store, fullRefresh: fullRefresh).run()
        try await store.close()
        return summary
    }

    /// The stored entries by path, read through a store of their own.
    func entries(_ output: TemporaryFolder, _ server: TestHTTPServer) async throws -> [String: StateEntry] {
        let store = try await StateStores.open(location(output))
        var entries: [String: StateEntry] = [:]
        for path in Self.paths {
            if let entry = try await store.entry(for: CanonicalURL.canonical(server.url(path))) { entries[path] = entry }
        }
        try await store.close()
        return entries
    }

    func urlPaths(_ records: [[String: Any]]) -> [String] {
        records.compactMap { ($0["url"] as? String).flatMap { URL(string: $0)?.path } }
    }

    @Test func secondRunSkipsUnchangedPagesAndRetriesFailures() async throws {
        let output = try TemporaryFolder()
        defer { output.remove() }
        let site = Site()
        try await TestHTTPServer.run(routes: site.respond) { server in
            let text = pipelineText(server)

            // First run: everything is new; no conditional header is sent.
            let first = try await run(text, output: output)
            #expect(first.input == 6)
            #expect(first.written == 4)
            #expect(first.deadLetters == 2)
            #expect(first.unchanged == 0)
            #expect(first.reconciles)
            let firstRequests = server.exchanges.map(\.request)
            #expect(firstRequests.count == 6)
            #expect(firstRequests.allSatisfy { $0.header("if-none-match") == nil && $0.header("if-modified-since") == nil })
            #expect(try readJSONLines(output.path("records.jsonl")).count == 4)

            var state = try await entries(output, server)
            #expect(state.count == 6)
            #expect(state["/etag"]?.status == .done)
            #expect(state["/etag"]?.etag == "\"v1\"")
            #expect(state["/modified"]?.lastModified == Site.lastModified)
            #expect(state["/same"]?.contentHash == MessageDigest.hex(.sha256, of: "<html><body><p>same page</p></body></html>"))
            #expect(state["/flaky"]?.status == .failed)
            #expect(state["/flaky"]?.attempts == 1)
            #expect(state["/down"]?.attempts == 1)
            let firstChangingHash = try #require(state["/changing"]?.contentHash)

            // Second run: validators go out, two 304s and one equal hash are unchanged.
            let second = try await run(text, output: output)
            #expect(second.input == 6)
            #expect(second.unchanged == 3)
            #expect(second.skipped == 3)
            #expect(second.written == 2)
            #expect(second.deadLetters == 1)
            #expect(second.reconciles)
            #expect(second.steps.first?.skipped == 2, "the fetch step counts the two 304s as skipped")

            let secondRequests = Array(server.exchanges.map(\.request).dropFirst(firstRequests.count))
            #expect(secondRequests.count == 6, "every URL is asked again; unchanged ones cheaply")
            let byPath = Dictionary(secondRequests.map { ($0.path, $0) }, uniquingKeysWith: { $1 })
            #expect(byPath["/etag"]?.header("if-none-match") == "\"v1\"")
            #expect(byPath["/modified"]?.header("if-modified-since") == Site.lastModified)
            for path in ["/changing", "/same", "/flaky", "/down"] {
                #expect(byPath[path]?.header("if-none-match") == nil && byPath[path]?.header("if-modified-since") == nil, "\(path)")
            }
            #expect(site.notModified.withLock { $0.sorted() } == ["/etag", "/modified"])

            // Only the changed page and the recovered one were written again.
            let records = try readJSONLines(output.path("records.jsonl"))
            #expect(records.count == 6)
            #expect(Set(urlPaths(Array(records.dropFirst(4)))) == ["/changing", "/flaky"])
            let database = try DatabaseQueue(path: output.path("records.sqlite"))
            let rows = try await database.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM articles") }
            try database.close()
            #expect(rows == 4 + 1)

            state = try await entries(output, server)
            #expect(state["/flaky"]?.status == .done)
            #expect(state["/flaky"]?.attempts == 0)
            #expect(state["/down"]?.status == .failed)
            #expect(state["/down"]?.attempts == 2)
            #expect(state["/etag"]?.etag == "\"v1\"", "a 304 keeps the stored validators")
            #expect(state["/changing"]?.contentHash != firstChangingHash)
            #expect(state["/changing"]?.contentHash != nil)

            // --full-refresh (in process): nothing is conditional, everything fetched is written.
            let refreshed = try await run(text, output: output, fullRefresh: true)
            #expect(refreshed.unchanged == 0)
            #expect(refreshed.written == 5)
            #expect(refreshed.deadLetters == 1)
            let thirdRequests = Array(server.exchanges.map(\.request).dropFirst(firstRequests.count + secondRequests.count))
            #expect(thirdRequests.count == 6)
            #expect(thirdRequests.allSatisfy { $0.header("if-none-match") == nil && $0.header("if-modified-since") == nil })
            #expect(try await entries(output, server)["/down"]?.attempts == 3, "a full refresh still records")
        }
    }

    @Test func withoutStateEverythingIsFetchedAndWrittenAgain() async throws {
        let output = try TemporaryFolder()
        defer { output.remove() }
        let site = Site()
        try await TestHTTPServer.run(routes: site.respond) { server in
            let text = pipelineText(server, paths: ["/etag", "/same"])
                .replacingOccurrences(of: ",\n  \"state\": \"\(state)\"", with: "")
            let pipeline = try PipelineLoader(registry: .builtins, environment: ["OUT": output.url.path]).load(text: text)
            #expect(pipeline.state == nil)
            for _ in 0..<2 {
                let summary = try await PipelineRunner(pipeline: PipelineLoader(registry: .builtins, environment: ["OUT": output.url.path]).load(text: text))
                    .run()
                #expect(summary.written == 2)
                #expect(summary.unchanged == 0)
            }
            #expect(server.exchanges.allSatisfy { $0.request.header("if-none-match") == nil })
            #expect(!FileManager.default.fileExists(atPath: output.path("state.sqlite")))
        }
    }

    @Test func notModifiedOnlyForConditionalRequests() async throws {
        try await TestHTTPServer.run(routes: { _ in TestResponse(status: 304) }) { server in
            let fetcher = try HTTPFetcher(options: PluginOptions(["delay": 0, "robots": false, "retries": 0]))
            let context = RunContext.namingLoopback(label: "etl.tests.state")
            var record = Record(url: server.url("/page"), source: "test")
            // A plain request answered 304 is a failure, as any non-2xx status.
            await #expect(throws: HTTPFetchError.self) { _ = try await fetcher.fetch(record, context: context) }
            record.conditional = ConditionalRequest(etag: "\"x\"", lastModified: nil)
            await #expect(throws: NotModified.self) { _ = try await fetcher.fetch(record, context: context) }
            #expect(server.exchanges.last?.request.header("if-none-match") == "\"x\"")
            #expect(server.exchanges.last?.request.header("if-modified-since") == nil)
        }
    }

    @Test func loaderReadsStateAndExpandsIt() throws {
        let loader = PipelineLoader(registry: .builtins, environment: ["OUT": "/tmp/somewhere"])
        let base = #""sources": [{ "use": "urls", "urls": ["http://example.com/"] }], "sinks": [{ "use": "jsonl", "path": "x.jsonl" }]"#
        let pipeline = try loader.load(text: #"{ \#(base), "state": "${OUT}/state.sqlite" }"#)
        #expect(pipeline.state == "/tmp/somewhere/state.sqlite")
        #expect(!FileManager.default.fileExists(atPath: "/tmp/somewhere/state.sqlite"), "loading opens nothing")
        #expect(try loader.load(text: "{ \(base) }").state == nil)
        // A PostgreSQL URL is kept as written, checked by libpq's parser without connecting.
        let database = "postgresql://etl:pw@db.example:5432/news?sslmode=require"
        #expect(try loader.load(text: #"{ \#(base), "state": "\#(database)" }"#).state == database)
        do {
            _ = try loader.load(text: "{ \(base),\n  \"state\": \"postgres://etl:pw@db.example:http/news\" }")
            Issue.record("a PostgreSQL URL with a port that is no number must be reported")
        } catch {
            let diagnostic = try #require(error.diagnostics.first { $0.path.description == "$.state" })
            #expect(diagnostic.message.contains("port"), "\(diagnostic.message)")
            #expect(!diagnostic.message.contains("pw"), "\(diagnostic.message)")
            #expect(diagnostic.location?.line == 2)
        }
        do {
            _ = try loader.load(text: "{ \(base),\n  \"state\": 3 }")
            Issue.record("a number for \"state\" must be reported")
        } catch {
            let diagnostic = try #require(error.diagnostics.first { $0.path.description == "$.state" })
            #expect(diagnostic.message.contains("expected a string"))
            #expect(diagnostic.location?.line == 2)
        }
    }

    @Test func commandLineFullRefreshAndStateCommand() async throws {
        let output = try TemporaryFolder()
        defer { output.remove() }
        let site = Site()
        try await TestHTTPServer.run(routes: site.respond) { server in
            let file = try output.write(pipelineText(server, paths: ["/etag", "/modified", "/same"]), to: "pipeline.json")
            let environment = ["OUT": output.url.path]
            func requests(since start: Int) -> [TestRequest] { Array(server.exchanges.map(\.request).dropFirst(start)) }

            let first = try CommandLineTool.run(["run", file], environment: environment)
            #expect(first.status == 0, "\(first.standardError)")
            #expect(try readJSONLines(output.path("records.jsonl")).count == 3)
            var seen = server.exchanges.count

            let second = try CommandLineTool.run(["run", file], environment: environment)
            #expect(second.status == 0, "\(second.standardError)")
            #expect(second.standardError.contains("written 0 + skipped 3 (unchanged 3)"), "\(second.standardError)")
            #expect(try readJSONLines(output.path("records.jsonl")).count == 3, "nothing new is written")
            #expect(requests(since: seen).filter { $0.header("if-none-match") != nil || $0.header("if-modified-since") != nil }.count == 2)
            seen = server.exchanges.count

            let refresh = try CommandLineTool.run(["run", file, "--full-refresh"], environment: environment)
            #expect(refresh.status == 0, "\(refresh.standardError)")
            #expect(refresh.standardError.contains("written 3 + skipped 0 (unchanged 0)"), "\(refresh.standardError)")
            #expect(try readJSONLines(output.path("records.jsonl")).count == 6)
            let refreshed = requests(since: seen)
            #expect(refreshed.count == 3)
            #expect(refreshed.allSatisfy { $0.header("if-none-match") == nil && $0.header("if-modified-since") == nil })

            let shown = try CommandLineTool.run(["state", file], environment: environment)
            #expect(shown.status == 0, "\(shown.standardError)")
            #expect(shown.standardOutput.contains("done        3"), "\(shown.standardOutput)")
            #expect(shown.standardOutput.contains("failed      0"), "\(shown.standardOutput)")
            #expect(shown.standardOutput.contains("total       3"), "\(shown.standardOutput)")
            #expect(!shown.standardOutput.contains("last fetch  never"), "\(shown.standardOutput)")

            let cleared = try CommandLineTool.run(["state", file, "--clear"], environment: environment)
            #expect(cleared.status == 0, "\(cleared.standardError)")
            #expect(cleared.standardOutput.contains("cleared 3 URLs"), "\(cleared.standardOutput)")
            let empty = try CommandLineTool.run(["state", file], environment: environment)
            #expect(empty.standardOutput.contains("total       0"), "\(empty.standardOutput)")
            #expect(empty.standardOutput.contains("last fetch  never"), "\(empty.standardOutput)")

            // After --clear the next run starts over: no conditional requests, everything written.
            seen = server.exchanges.count
            let after = try CommandLineTool.run(["run", file], environment: environment)
            #expect(after.standardError.contains("written 3"), "\(after.standardError)")
            #expect(requests(since: seen).allSatisfy { $0.header("if-none-match") == nil })

            // A pipeline without "state": exit 2 with a reason.
            let plain = try output.write(
                pipelineText(server, paths: ["/same"])
                    .replacingOccurrences(of: ",\n  \"state\": \"\(state)\"", with: ""), to: "plain.json")
            let none = try CommandLineTool.run(["state", plain], environment: environment)
            #expect(none.status == 2)
            #expect(none.standardError.contains("no \"state\" member"), "\(none.standardError)")
        }
    }
}
