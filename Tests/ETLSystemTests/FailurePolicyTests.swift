import ETLHTTP
import ETLKit
import ETLTestSupport
import Foundation
import GRDB
import Synchronization
import Testing

@testable import ETLPlugins

/// Issue #11's failure policy for scheduled runs: permanent failures remembered in the state store
/// and left alone for a back-off, transient ones tried next run, `etl run --retry-failed`, and
/// `etl state FILE --done/--failed/--url/--forget`.
@Suite struct FailurePolicyTests {
    /// The pipelines' `"state"`: a SQLite file here; ``PostgresStateTests`` runs the back-off test
    /// again with a database's URL.
    var state = "${OUT}/state.sqlite"

    static let day: TimeInterval = 86_400

    /// A site with a page that is gone (`/gone`, 404), one that answers 503 to its first request and
    /// 200 after (`/busy`), and a page that is fine (`/fine`).
    final class Site: Sendable {
        let counts = Mutex<[String: Int]>([:])

        func respond(_ request: TestRequest) -> TestResponse {
            let count = counts.withLock { counts in
                counts[request.path, default: 0] += 1
                return counts[request.path, default: 0]
            }
            switch request.path {
            case "/fine": return .html("<html><body><p>fine page</p></body></html>")
            case "/busy": return count == 1 ? TestResponse(status: 503, body: Array("busy".utf8)) : .html("<html><body><p>busy page</p></body></html>")
            default: return .notFound
            }
        }

        func requests(_ path: String) -> Int { counts.withLock { $0[path, default: 0] } }
    }

    func pipelineText(_ server: TestHTTPServer, paths: [String] = ["/fine", "/gone", "/busy"]) -> String {
        let urls = paths.map { "\"\(server.url($0))\"" }.joined(separator: ", ")
        return """
            {
              "sources": [{ "use": "urls", "urls": [\(urls)] }],
              "fetch": [{ "use": "http", "delay": 0, "robots": false, "retries": 0, "timeout": 10 }],
              "steps": [],
              "sinks": [{ "use": "jsonl", "path": "${OUT}/records.jsonl", "mode": "append" }],
              "deadLetters": { "use": "jsonl", "path": "${OUT}/dead.jsonl", "mode": "append" },
              "state": "\(state)"
            }
            """
    }

    // MARK: The back-off schedule

    @Test func backoffDoublesFromADayAndStopsAtThirtyDays() {
        let backoff = FailureBackoff.standard
        let days = (1...8).map { backoff.delay(afterAttempts: $0) / Self.day }
        #expect(days == [1, 2, 4, 8, 16, 30, 30, 30])
        #expect(backoff.delay(afterAttempts: 0) == Self.day, "no attempt yet counts as the first")
        #expect(backoff.delay(afterAttempts: 10_000) == 30 * Self.day, "no overflow for a very old dead link")
        let custom = FailureBackoff(base: 60, cap: 300)
        #expect((1...5).map { custom.delay(afterAttempts: $0) } == [60, 120, 240, 300, 300])
    }

    @Test func onlyPermanentFailuresWait() {
        let backoff = FailureBackoff.standard
        let failedAt = Date(timeIntervalSince1970: 1_800_000_000)
        var entry = StateEntry(
            url: "https://example.com/gone", status: .failed, attempts: 3, lastFetch: failedAt,
            failure: StateEntry.Failure(reason: "HTTP status 404", isPermanent: true))
        #expect(backoff.retryDate(for: entry) == failedAt.addingTimeInterval(4 * Self.day))
        #expect(backoff.isWaiting(entry, at: failedAt.addingTimeInterval(4 * Self.day - 1)))
        #expect(!backoff.isWaiting(entry, at: failedAt.addingTimeInterval(4 * Self.day)))

        entry.failure?.isPermanent = false
        #expect(backoff.retryDate(for: entry) == nil, "a transient failure is tried next run")
        #expect(!backoff.isWaiting(entry, at: failedAt))
        entry.failure = nil
        #expect(!backoff.isWaiting(entry, at: failedAt), "a failure from an older state file, without a reason, is transient")
        let done = StateEntry(url: "https://example.com/", status: .done, attempts: 0, lastFetch: failedAt)
        #expect(backoff.retryDate(for: done) == nil)
    }

    // MARK: Classification

    @Test func httpFetchErrorsSayWhetherTheyArePermanent() {
        let url = "https://example.com/a"
        let permanent: [HTTPFetchError] = [
            .httpStatus(url: url, finalURL: url, status: 404), .httpStatus(url: url, finalURL: url, status: 410),
            .robotsDisallowed(url: url, rule: "Disallow: /"), .redirectRefused(url: url, target: "file:///etc/passwd", reason: "not http"),
            .addressRefused(url: url, address: "127.0.0.2", kind: "loopback"), .unsupportedMediaType(url: url, mediaType: "image/png"),
            .tooLarge(url: url, limit: 10), .invalidURL("mailto:x"),
            .afterRedirect(url: url, target: url + "/b", error: .httpStatus(url: url + "/b", finalURL: url + "/b", status: 404)),
            .failedAfterAttempts(attempts: 2, last: .httpStatus(url: url, finalURL: url, status: 410)),
        ]
        let transient: [HTTPFetchError] = [
            .httpStatus(url: url, finalURL: url, status: 503), .httpStatus(url: url, finalURL: url, status: 429),
            .httpStatus(url: url, finalURL: url, status: 500), .httpStatus(url: url, finalURL: url, status: 403),
            .networkFailure(url: url, curlCode: 7, message: "Could not connect"), .timedOut(url: url, message: "Operation timed out"),
            .robotsUnreachable(url: url, reason: "everything: robots.txt answered HTTP status 503"),
            .retryAfterTooLong(url: url, status: 429, seconds: 3600, limit: 60, attempts: 1),
            .failedAfterAttempts(attempts: 3, last: .networkFailure(url: url, curlCode: 56, message: "reset")),
        ]
        for error in permanent { #expect(error.isPermanent, "\(error)") }
        for error in transient { #expect(!error.isPermanent, "\(error)") }
        #expect(ArticleExtractorError.noBody(url: url).isPermanent, "not an article: the same page fails the same way")
        #expect(!ArticleExtractorError.noPage(url: url).isPermanent, "a pipeline without a cleaner is fixed in the pipeline")
    }

    // MARK: The runner, with its clock set

    /// One run in process at `now`, with the pipeline loaded afresh and the store opened around it.
    func run(_ text: String, output: TemporaryFolder, at now: Date, retryFailed: Bool = false) async throws -> RunSummary {
        let pipeline = try PipelineLoader(registry: .builtins, environment: ["OUT": output.url.path]).load(text: text)
        let store = try await StateStores.open(try #require(pipeline.state))
        let summary = try await PipelineRunner(pipeline: pipeline, stateStore: store, retryFailed: retryFailed, now: { now }).run()
        try await store.close()
        return summary
    }

    func storedEntry(_ output: TemporaryFolder, _ url: String) async throws -> StateEntry? {
        let store = try await StateStores.open(state.replacingOccurrences(of: "${OUT}", with: output.url.path))
        let entry = try await store.entry(for: CanonicalURL.canonical(url))
        try await store.close()
        return entry
    }

    @Test func permanentFailureWaitsOutAGrowingBackoff() async throws {
        let output = try TemporaryFolder()
        defer { output.remove() }
        let site = Site()
        try await TestHTTPServer.run(routes: site.respond) { server in
            let text = pipelineText(server, paths: ["/gone", "/busy"])
            let start = Date(timeIntervalSince1970: 1_800_000_000)

            let first = try await run(text, output: output, at: start)
            #expect(first.deadLetters == 2)
            var gone = try #require(try await storedEntry(output, server.url("/gone")))
            #expect(gone.status == .failed && gone.attempts == 1)
            #expect(gone.failure?.isPermanent == true)
            #expect(gone.failure?.reason.contains("HTTP status 404") == true)
            let busy = try #require(try await storedEntry(output, server.url("/busy")))
            #expect(busy.failure?.isPermanent == false)
            #expect(busy.failure?.reason.contains("HTTP status 503") == true)

            // An hour later: the 404 is remembered (skipped, not a dead letter); the 503 is asked again.
            let second = try await run(text, output: output, at: start.addingTimeInterval(3600))
            #expect(second.rememberedFailures == 1)
            #expect(second.skipped == 1)
            #expect(second.deadLetters == 0)
            #expect(second.written == 1)
            #expect(second.reconciles)
            #expect(second.exitCode == 0)
            #expect(site.requests("/gone") == 1)
            #expect(site.requests("/busy") == 2)

            // Past a day: asked again, fails again, now waits two days.
            let third = try await run(text, output: output, at: start.addingTimeInterval(Self.day + 1))
            #expect(third.deadLetters == 1)
            #expect(site.requests("/gone") == 2)
            gone = try #require(try await storedEntry(output, server.url("/gone")))
            #expect(gone.attempts == 2)
            #expect(gone.lastFetch == start.addingTimeInterval(Self.day + 1))
            let fourth = try await run(text, output: output, at: start.addingTimeInterval(Self.day + 1 + 2 * Self.day - 60))
            #expect(fourth.rememberedFailures == 1)
            #expect(site.requests("/gone") == 2)

            // --retry-failed asks anyway.
            let forced = try await run(text, output: output, at: start.addingTimeInterval(Self.day + 2), retryFailed: true)
            #expect(forced.rememberedFailures == 0)
            #expect(forced.deadLetters == 1)
            #expect(site.requests("/gone") == 3)
            #expect(try await storedEntry(output, server.url("/gone"))?.attempts == 3)
        }
    }

    @Test func stepRejectionIsPermanentUnlessTheErrorSaysOtherwise() async throws {
        let output = try TemporaryFolder()
        defer { output.remove() }
        try await TestHTTPServer.run(routes: { _ in .html("<html><body><form><input name=q></form></body></html>") }) { server in
            let text = pipelineText(server, paths: ["/login"]).replacingOccurrences(of: #""steps": []"#, with: #""steps": ["html", "article"]"#)
            let start = Date(timeIntervalSince1970: 1_800_000_000)
            let first = try await run(text, output: output, at: start)
            #expect(first.deadLetters == 1)
            let entry = try #require(try await storedEntry(output, server.url("/login")))
            #expect(entry.failure?.isPermanent == true, "\(String(describing: entry.failure))")
            let second = try await run(text, output: output, at: start.addingTimeInterval(60))
            #expect(second.rememberedFailures == 1)
            #expect(server.exchanges.count == 1)
        }
    }

    // MARK: State files from before the failure columns

    @Test func olderStateFileIsMigratedAndKeepsItsURLs() async throws {
        let output = try TemporaryFolder()
        defer { output.remove() }
        let path = output.path("state.sqlite")
        let old = try DatabaseQueue(path: path)
        try await old.write { database in
            try database.execute(
                sql: """
                    CREATE TABLE urls (url TEXT NOT NULL PRIMARY KEY, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
                        lastFetch DATETIME NOT NULL, etag TEXT, lastModified TEXT, contentHash TEXT);
                    INSERT INTO urls VALUES ('https://example.com/a', 'done', 0, '2026-01-01 00:00:00.000', '"v1"', NULL, 'abc');
                    INSERT INTO urls VALUES ('https://example.com/b', 'failed', 2, '2026-01-01 00:00:00.000', NULL, NULL, NULL);
                    """)
        }
        try old.close()

        let store = try SQLiteStateStore(path: path)
        let done = try #require(try await store.entry(for: "https://example.com/a"))
        #expect(done.status == .done && done.etag == "\"v1\"" && done.contentHash == "abc" && done.failure == nil)
        let failed = try #require(try await store.entry(for: "https://example.com/b"))
        #expect(failed.attempts == 2)
        #expect(failed.failure == StateEntry.Failure(reason: "", isPermanent: false), "an old failure is tried next run")
        var updated = failed
        updated.attempts = 3
        updated.failure = StateEntry.Failure(reason: "cannot fetch https://example.com/b: HTTP status 410", isPermanent: true)
        try await store.record(updated)
        #expect(try await store.entry(for: "https://example.com/b") == updated)
        try await store.close()
        // Opened again, the migrations are not run twice.
        let reopened = try SQLiteStateStore(path: path)
        #expect(try await reopened.entries().count == 2)
        try await reopened.close()
    }

    // MARK: Through the binary

    @Test func commandLineRemembersA404AndRetriesA503() async throws {
        let output = try TemporaryFolder()
        defer { output.remove() }
        let site = Site()
        try await TestHTTPServer.run(routes: site.respond) { server in
            let file = try output.write(pipelineText(server), to: "pipeline.json")
            let environment = ["OUT": output.url.path]
            let gone = server.url("/gone")

            let first = try CommandLineTool.run(["run", file], environment: environment)
            #expect(first.status == 1, "\(first.standardError)")
            #expect(first.standardError.contains("written 1 + skipped 0 (unchanged 0) + dead letters 2"), "\(first.standardError)")

            let listed = try CommandLineTool.run(["state", file, "--failed"], environment: environment)
            #expect(listed.status == 0, "\(listed.standardError)")
            let blocks = listed.standardOutput.components(separatedBy: "\n\n")
            let goneBlock = try #require(blocks.first { $0.hasPrefix(gone + "\n") }, "\(listed.standardOutput)")
            #expect(goneBlock.contains("failed permanently, 1 attempt in a row"), "\(goneBlock)")
            #expect(goneBlock.contains("reason        cannot fetch \(gone): HTTP status 404"), "\(goneBlock)")
            #expect(goneBlock.contains("(etl run --retry-failed tries it now)"), "\(goneBlock)")
            let busyBlock = try #require(blocks.first { $0.hasPrefix(server.url("/busy") + "\n") }, "\(listed.standardOutput)")
            #expect(busyBlock.contains("failed transiently, 1 attempt in a row"), "\(busyBlock)")
            #expect(busyBlock.contains("HTTP status 503"), "\(busyBlock)")
            #expect(busyBlock.contains("next try      next run"), "\(busyBlock)")

            // Second run: the 404 is not asked again, the 503 is (and answers 200): exit 0.
            let second = try CommandLineTool.run(["run", file], environment: environment)
            #expect(second.status == 0, "\(second.standardError)")
            #expect(
                second.standardError.contains("written 1 + skipped 2 (unchanged 1, remembered failures 1) + dead letters 0"),
                "\(second.standardError)")
            #expect(site.requests("/gone") == 1)
            #expect(site.requests("/busy") == 2)

            let done = try CommandLineTool.run(["state", file, "--done"], environment: environment)
            #expect(
                done.standardOutput.split(separator: "\n").map { $0.split(separator: " ").last.map(String.init) } == [
                    server.url("/busy"), server.url("/fine"),
                ],
                "\(done.standardOutput)")
            let failedNow = try CommandLineTool.run(["state", file, "--failed"], environment: environment)
            #expect(failedNow.standardOutput.hasPrefix(gone + "\n") && !failedNow.standardOutput.contains("/busy"), "\(failedNow.standardOutput)")

            // --retry-failed asks the 404 again: still 404, a dead letter, exit 1, two attempts.
            let retried = try CommandLineTool.run(["run", file, "--retry-failed"], environment: environment)
            #expect(retried.status == 1, "\(retried.standardError)")
            #expect(site.requests("/gone") == 2)
            let one = try CommandLineTool.run(["state", file, "--url", gone], environment: environment)
            #expect(one.status == 0, "\(one.standardError)")
            #expect(one.standardOutput.contains("failed permanently, 2 attempts in a row"), "\(one.standardOutput)")

            // --forget: the entry is gone, and the next run asks for the URL as new.
            let forgot = try CommandLineTool.run(["state", file, "--forget", gone], environment: environment)
            #expect(forgot.status == 0, "\(forgot.standardError)")
            #expect(forgot.standardOutput.contains("forgot \(gone)"), "\(forgot.standardOutput)")
            let missing = try CommandLineTool.run(["state", file, "--url", gone], environment: environment)
            #expect(missing.status == 1)
            #expect(missing.standardError.contains("is not in it"), "\(missing.standardError)")
            let counts = try CommandLineTool.run(["state", file], environment: environment)
            #expect(counts.standardOutput.contains("failed      0"), "\(counts.standardOutput)")
            _ = try CommandLineTool.run(["run", file], environment: environment)
            #expect(site.requests("/gone") == 3)

            let both = try CommandLineTool.run(["state", file, "--done", "--failed"], environment: environment)
            #expect(both.status == 2, "\(both.standardError)")
        }
    }
}
