import ETLKit
import ETLPostgres
import ETLTestSupport
import Foundation
import Testing

@testable import ETLPlugins

/// The PostgreSQL state store (`"state": "postgres://…"`) against a real server the suite starts
/// (``PostgresServer``): the store's contract checked on both stores alike, the incremental-run
/// and back-off tests of the SQLite state run again on a database, `etl run` and `etl state`
/// through the binary, the schema version, two runs opening an empty database at once, and
/// messages without the password.
@Suite(.serialized, .postgresServer) struct PostgresStateTests {
    var server: PostgresServer {
        get throws { try #require(PostgresServer.current, "the suite's PostgreSQL server") }
    }

    /// Which store a parameterised test opens.
    enum Kind: String, CaseIterable, CustomTestStringConvertible {
        case sqlite, postgres
        var testDescription: String { rawValue }
    }

    /// A fresh, empty location of `kind`: a file in `folder`, or a database of its own.
    func location(_ kind: Kind, in folder: TemporaryFolder) throws -> String {
        switch kind {
        case .sqlite: return folder.path("state.sqlite")
        case .postgres: return try server.createDatabase()
        }
    }

    // MARK: The contract, on both stores

    @Test(arguments: Kind.allCases) func storesKeepTheSameEntries(kind: Kind) async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let location = try location(kind, in: folder)
        let store = try await StateStores.open(location)
        let time = Date(timeIntervalSince1970: 1_800_000_000.25)
        let done = StateEntry(
            url: "https://news.example/b", status: .done, attempts: 0, lastFetch: time, etag: "\"v1\"",
            lastModified: "Wed, 21 Oct 2015 07:28:00 GMT", contentHash: String(repeating: "ab", count: 32))
        let gone = StateEntry(
            url: "https://news.example/a", status: .failed, attempts: 2, lastFetch: time.addingTimeInterval(60),
            failure: StateEntry.Failure(reason: "HTTP status 404 — گم شد", isPermanent: true))
        let busy = StateEntry(
            url: "https://news.example/c", status: .failed, attempts: 1, lastFetch: time,
            failure: StateEntry.Failure(reason: "HTTP status 503", isPermanent: false))
        #expect(try await store.entry(for: done.url) == nil)
        try await store.record(done)
        try await store.record([gone, busy])

        #expect(try await store.entry(for: done.url) == done)
        #expect(try await store.entry(for: gone.url) == gone)
        #expect(try await store.entry(for: busy.url) == busy)
        #expect(try await store.entries(withStatus: nil).map(\.url) == [gone.url, done.url, busy.url])
        #expect(try await store.entries(withStatus: .done) == [done])
        #expect(try await store.entries(withStatus: .failed) == [gone, busy])
        #expect(try await store.counts() == StateCounts(done: 1, failed: 2, lastFetch: gone.lastFetch))

        // An upsert replaces; within one commit the last entry of a URL wins.
        var recovered = busy
        recovered.status = .done
        recovered.attempts = 0
        recovered.failure = nil
        recovered.contentHash = "cd"
        var again = gone
        again.attempts = 3
        try await store.record([again, recovered, gone])
        #expect(try await store.entry(for: busy.url) == recovered)
        #expect(try await store.entry(for: gone.url) == gone)
        try await store.close()

        // Kept across opens.
        let reopened = try await StateStores.open(location)
        #expect(try await reopened.counts() == StateCounts(done: 2, failed: 1, lastFetch: gone.lastFetch))
        #expect(try await reopened.forget(done.url))
        #expect(try await !reopened.forget(done.url))
        #expect(try await reopened.clear() == 2)
        #expect(try await reopened.counts() == StateCounts(done: 0, failed: 0, lastFetch: nil))
        try await reopened.close()
    }

    /// A commit larger than one statement holds (9 parameters a row: 7,281 rows) is written whole,
    /// in one transaction: a row the server refuses in its last statement leaves none of it.
    @Test func aCommitIsOneTransactionWhateverItsSize() async throws {
        let url = try server.createDatabase()
        let store = try await PostgresStateStore.open(url: url)
        let time = Date(timeIntervalSince1970: 1_800_000_000)
        let entries = (0..<(PostgresStateStore.rowsPerStatement + 19)).map { number in
            StateEntry(url: "https://news.example/\(number)", status: .done, attempts: 0, lastFetch: time, contentHash: "h\(number)")
        }
        try await store.record(entries)
        #expect(try await store.counts().done == entries.count)
        #expect(try await store.entry(for: entries[entries.count - 1].url)?.contentHash == "h\(entries.count - 1)")

        // A trigger refuses one URL: the commit that holds it, in its second statement, is undone.
        let connection = try PostgresConnection(url: url)
        try connection.execute(
            """
            CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN IF NEW.url = 'https://news.example/refused' THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$
            """)
        try connection.execute("CREATE TRIGGER refuse BEFORE INSERT ON etl_state FOR EACH ROW EXECUTE FUNCTION refuse()")
        let changed = entries.map { entry in
            var entry = entry
            entry.contentHash = "changed"
            return entry
        }
        let refused = StateEntry(url: "https://news.example/refused", status: .done, attempts: 0, lastFetch: time)
        do {
            try await store.record(changed + [refused])
            Issue.record("the refused row must fail the commit")
        } catch {
            #expect("\(error)".contains("refused by the test"), "\(error)")
            #expect(!"\(error)".contains(PostgresServer.password), "\(error)")
        }
        #expect(try await store.entry(for: entries[0].url)?.contentHash == "h0", "the first statement's rows are rolled back")
        #expect(try await store.counts().done == entries.count)
        try await store.close()
    }

    /// A NUL, which PostgreSQL text cannot hold, is stored as U+FFFD rather than refused: refused,
    /// it would stop every run at the same commit.
    @Test func aNULInAReasonDoesNotStopTheRun() async throws {
        let store = try await PostgresStateStore.open(url: try server.createDatabase())
        let entry = StateEntry(
            url: "https://news.example/nul", status: .failed, attempts: 1, lastFetch: Date(timeIntervalSince1970: 1_800_000_000),
            etag: "\"a\u{0}b\"", failure: StateEntry.Failure(reason: "bad byte \u{0} in the reply", isPermanent: false))
        try await store.record(entry)
        let stored = try #require(try await store.entry(for: entry.url))
        #expect(stored.failure?.reason == "bad byte \u{FFFD} in the reply")
        #expect(stored.etag == "\"a\u{FFFD}b\"")
        try await store.close()
    }

    // MARK: The SQLite state's tests, on a database

    @Test func secondRunSkipsUnchangedPagesAndRetriesFailures() async throws {
        var tests = StateTests()
        tests.state = try server.createDatabase()
        try await tests.secondRunSkipsUnchangedPagesAndRetriesFailures()
    }

    @Test func permanentFailureWaitsOutAGrowingBackoff() async throws {
        var tests = FailurePolicyTests()
        tests.state = try server.createDatabase()
        try await tests.permanentFailureWaitsOutAGrowingBackoff()
    }

    /// `kill -9` three times part-way, then a run to the end: nothing lost, nothing doubled.
    @Test func killedRunsResumeWithoutLossOrDoubles() async throws {
        let url = try server.createDatabase()
        var tests = KillResumeTests()
        tests.state = url
        try await tests.killedRunsResumeWithoutLossOrDoubles()
        let connection = try PostgresConnection(url: url)
        #expect(try connection.execute("SELECT count(*) FROM etl_state WHERE status = 'done'").scalar == "160", "every page is done in the database")
    }

    /// `etl run` twice (the second skips what is unchanged), `--full-refresh`, `etl state` and
    /// `etl state --clear`, through the binary.
    @Test func commandLineFullRefreshAndStateCommand() async throws {
        var tests = StateTests()
        tests.state = try server.createDatabase()
        try await tests.commandLineFullRefreshAndStateCommand()
    }

    @Test func stateCommandNamesTheDatabaseWithoutItsPassword() async throws {
        let output = try TemporaryFolder()
        defer { output.remove() }
        let url = try server.createDatabase()
        let store = try await PostgresStateStore.open(url: url)
        let time = Date(timeIntervalSince1970: 1_800_000_000)
        try await store.record([
            StateEntry(url: "https://news.example/1", status: .done, attempts: 0, lastFetch: time),
            StateEntry(
                url: "https://news.example/2", status: .failed, attempts: 2, lastFetch: time,
                failure: StateEntry.Failure(reason: "HTTP status 404", isPermanent: true)),
        ])
        try await store.close()
        let file = try output.write(
            """
            { "sources": [{ "use": "urls", "urls": ["https://news.example/1"] }],
              "sinks": [{ "use": "jsonl", "path": "${OUT}/records.jsonl" }], "state": "${DATABASE_URL}" }
            """, to: "pipeline.json")
        let environment = ["OUT": output.url.path, "DATABASE_URL": url]

        let shown = try CommandLineTool.run(["state", file], environment: environment)
        #expect(shown.status == 0, "\(shown.standardError)")
        let redacted = "postgres://\(PostgresServer.user):***@127.0.0.1:\(try server.port)/"
        #expect(shown.standardOutput.hasPrefix("state \(redacted)"), "\(shown.standardOutput)")
        #expect(shown.standardOutput.contains("done        1"), "\(shown.standardOutput)")
        #expect(shown.standardOutput.contains("failed      1"), "\(shown.standardOutput)")
        #expect(shown.standardOutput.contains("total       2"), "\(shown.standardOutput)")
        #expect(shown.standardOutput.contains("last fetch  2027-01-15T08:00:00Z"), "\(shown.standardOutput)")
        #expect(!shown.standardOutput.contains(PostgresServer.password))

        let failed = try CommandLineTool.run(["state", file, "--failed"], environment: environment)
        #expect(failed.status == 0, "\(failed.standardError)")
        #expect(failed.standardOutput.contains("https://news.example/2"), "\(failed.standardOutput)")
        #expect(failed.standardOutput.contains("HTTP status 404"), "\(failed.standardOutput)")
        let done = try CommandLineTool.run(["state", file, "--done"], environment: environment)
        #expect(done.standardOutput.contains("https://news.example/1"), "\(done.standardOutput)")
        #expect(!done.standardOutput.contains("https://news.example/2"), "\(done.standardOutput)")
        let forgot = try CommandLineTool.run(["state", file, "--forget", "https://news.example/2"], environment: environment)
        #expect(forgot.standardOutput.contains("forgot https://news.example/2"), "\(forgot.standardOutput)")
        let missing = try CommandLineTool.run(["state", file, "--url", "https://news.example/2"], environment: environment)
        #expect(missing.status == 1)

        // The URL itself in place of the pipeline file: the same lines.
        let direct = try CommandLineTool.run(["state", url])
        #expect(direct.status == 0, "\(direct.standardError)")
        #expect(direct.standardOutput.hasPrefix("state \(redacted)"), "\(direct.standardOutput)")
        #expect(direct.standardOutput.contains("done        1"), "\(direct.standardOutput)")
        #expect(direct.standardOutput.contains("total       1"), "\(direct.standardOutput)")
        let directFailed = try CommandLineTool.run(["state", url, "--done"])
        #expect(directFailed.standardOutput.contains("https://news.example/1"), "\(directFailed.standardOutput)")
        let badURL = try CommandLineTool.run(["state", "postgres://etl:secret@127.0.0.1:99999/db"])
        #expect(badURL.status == 2)
        #expect(badURL.standardError.contains("99999") && !badURL.standardError.contains("secret"), "\(badURL.standardError)")

        // A wrong password: exit 1, the server's refusal, the URL without either password.
        let wrong = url.replacingOccurrences(of: PostgresServer.password, with: "not-the-password")
        let refused = try CommandLineTool.run(["state", file], environment: ["OUT": output.url.path, "DATABASE_URL": wrong])
        #expect(refused.status == 1)
        #expect(refused.standardError.contains("cannot open the state store at \(redacted)"), "\(refused.standardError)")
        #expect(!refused.standardError.contains("not-the-password") && !refused.standardError.contains(PostgresServer.password))
    }

    // MARK: Schema, concurrency

    @Test func newerSchemaIsRefused() async throws {
        let url = try server.createDatabase()
        try await PostgresStateStore.open(url: url).close()
        let connection = try PostgresConnection(url: url)
        #expect(try connection.execute("SELECT version FROM etl_schema WHERE component = 'state'").scalar == "2")
        try connection.execute("UPDATE etl_schema SET version = 3 WHERE component = 'state'")
        do {
            _ = try await PostgresStateStore.open(url: url)
            Issue.record("a state of schema version 3 must be refused")
        } catch {
            #expect(error.code == .newerSchema)
            #expect(error.message.contains("schema version 3"), "\(error.message)")
            #expect(error.message.contains("up to 2"), "\(error.message)")
            #expect(!error.message.contains(PostgresServer.password), "\(error.message)")
        }

        // `etl run` stops before fetching anything: exit 3 and the same reason.
        let output = try TemporaryFolder()
        defer { output.remove() }
        let file = try output.write(
            """
            { "sources": [{ "use": "urls", "urls": ["http://127.0.0.1:9/never"] }],
              "sinks": [{ "use": "jsonl", "path": "${OUT}/records.jsonl" }], "state": "\(url)" }
            """, to: "pipeline.json")
        let run = try CommandLineTool.run(["run", file, "--quiet"], environment: ["OUT": output.url.path])
        #expect(run.status == 3, "\(run.standardError)")
        #expect(run.standardError.contains("schema version 3"), "\(run.standardError)")
        #expect(!run.standardError.contains(PostgresServer.password), "\(run.standardError)")
    }

    /// Version 1 had no ledger: opening it makes `etl_hosts` and `etl_robots` and says version 2,
    /// keeping the entries.
    @Test func aVersion1StateGetsTheLedgerTables() async throws {
        let url = try server.createDatabase()
        let first = try await PostgresStateStore.open(url: url)
        try await first.record(StateEntry(url: "https://news.example/1", status: .done, attempts: 0, lastFetch: Date()))
        try await first.close()
        let connection = try PostgresConnection(url: url)
        try connection.execute("DROP TABLE etl_hosts, etl_robots, etl_frontier, etl_rounds, etl_workers")
        try connection.execute("UPDATE etl_schema SET version = 1 WHERE component = 'state'")
        let store = try await PostgresStateStore.open(url: url)
        #expect(try await store.counts().done == 1)
        #expect(try await store.hostLedger?.reserveStart(host: "news.example", interval: .seconds(1)) == .zero)
        try await store.close()
        #expect(try connection.execute("SELECT version FROM etl_schema WHERE component = 'state'").scalar == "2")
        #expect(try connection.execute("SELECT count(*) FROM etl_hosts").scalar == "1")
        #expect(try connection.execute("SELECT to_regclass('etl_frontier') IS NOT NULL").scalar == "t", "the frontier's tables are made too")
    }

    @Test func runsOpeningAnEmptyDatabaseAtOnceMakeTheTablesOnce() async throws {
        let url = try server.createDatabase()
        let stores = try await withThrowingTaskGroup(of: PostgresStateStore.self) { group in
            for _ in 0..<6 { group.addTask { try await PostgresStateStore.open(url: url) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(stores.count == 6)
        for (index, store) in stores.enumerated() {
            try await store.record(StateEntry(url: "https://news.example/\(index)", status: .done, attempts: 0, lastFetch: Date()))
        }
        #expect(try await stores[0].counts().done == 6)
        for store in stores { try await store.close() }
        let connection = try PostgresConnection(url: url)
        #expect(try connection.execute("SELECT count(*) FROM etl_schema").scalar == "1")
    }

    /// A user who may read and write the tables but not create any (PostgreSQL 15's default on
    /// `public`) opens a state another user made.
    @Test func aUserWithoutTheRightToCreateOpensTablesMadeBefore() async throws {
        let url = try server.createDatabase()
        try await PostgresStateStore.open(url: url).close()
        let owner = try PostgresConnection(url: url)
        try owner.execute("CREATE ROLE state_writer LOGIN PASSWORD 'writer-secret'")
        try owner.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
        try owner.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON etl_state, etl_schema, etl_hosts, etl_robots TO state_writer")
        let writerURL = url.replacingOccurrences(of: "\(PostgresServer.user):\(PostgresServer.password)@", with: "state_writer:writer-secret@")
        #expect(writerURL != url)
        let store = try await PostgresStateStore.open(url: writerURL)
        try await store.record(StateEntry(url: "https://news.example/1", status: .done, attempts: 0, lastFetch: Date()))
        #expect(try await store.counts().done == 1)
        #expect(try await store.hostLedger?.reserveStart(host: "news.example", interval: .seconds(1)) == .zero)
        try await store.close()

        // On an empty database the same user cannot make the tables: a clear refusal, no password.
        try owner.execute("DROP TABLE etl_state, etl_schema, etl_hosts, etl_robots")
        do {
            _ = try await PostgresStateStore.open(url: writerURL)
            Issue.record("a user without CREATE cannot make the tables")
        } catch {
            #expect(error.code == .cannotOpen)
            #expect(error.message.contains("permission denied"), "\(error.message)")
            #expect(!error.message.contains("writer-secret"), "\(error.message)")
        }
        try owner.execute("DROP ROLE state_writer")
    }

    /// The README's way to keep two pipelines of one database apart: a schema each, named in the
    /// URL's `options`.
    @Test func aSchemaOfItsOwnKeepsTwoPipelinesApart() async throws {
        let url = try server.createDatabase()
        let connection = try PostgresConnection(url: url)
        try connection.execute("CREATE SCHEMA news")
        let separate = try await PostgresStateStore.open(url: url + "?options=-csearch_path%3Dnews")
        let shared = try await PostgresStateStore.open(url: url)
        try await separate.record(StateEntry(url: "https://news.example/1", status: .done, attempts: 0, lastFetch: Date()))
        #expect(try await separate.counts().done == 1)
        #expect(try await shared.counts().done == 0)
        try await separate.close()
        try await shared.close()
        let schemas = try connection.execute("SELECT table_schema FROM information_schema.tables WHERE table_name = 'etl_state' ORDER BY 1")
        #expect(schemas.rows.map { $0[0] } == ["news", "public"])
    }

    // MARK: Validation

    @Test func validateChecksTheURLWithoutConnecting() throws {
        let output = try TemporaryFolder()
        defer { output.remove() }
        func pipeline(state: String, steps: String = "[]") throws -> String {
            try output.write(
                """
                { "sources": [{ "use": "urls", "urls": ["https://news.example/1"] }],
                  "steps": \(steps),
                  "sinks": [{ "use": "jsonl", "path": "${OUT}/records.jsonl" }],
                  "state": "\(state)" }
                """, to: "pipeline-\(UUID().uuidString).json")
        }
        // Nothing listens on port 9: validating would fail if it connected.
        let fine = try CommandLineTool.run(
            ["validate", try pipeline(state: "postgresql://etl:secret@127.0.0.1:9/db?sslmode=require")], environment: ["OUT": output.url.path])
        #expect(fine.status == 0, "\(fine.standardError)")

        let bad = try CommandLineTool.run(["validate", try pipeline(state: "postgres://etl:secret@127.0.0.1:99999/db")], environment: ["OUT": output.url.path])
        #expect(bad.status == 2)
        #expect(bad.standardError.contains("$.state"), "\(bad.standardError)")
        #expect(bad.standardError.contains("99999"), "\(bad.standardError)")
        #expect(!bad.standardError.contains("secret"), "\(bad.standardError)")

        // dedup keeps its index in SQLite only: a URL there is refused at validation, not made a file.
        let dedup = try CommandLineTool.run(
            ["validate", try pipeline(state: "${OUT}/state.sqlite", steps: #"[{ "use": "dedup", "state": "postgres://etl@127.0.0.1:9/db" }]"#)],
            environment: ["OUT": output.url.path])
        #expect(dedup.status == 2)
        #expect(dedup.standardError.contains("$.steps[0]"), "\(dedup.standardError)")
        #expect(dedup.standardError.contains("not supported for dedup's state yet"), "\(dedup.standardError)")
    }
}
