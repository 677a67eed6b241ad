import ETLKit
import ETLPostgres
import ETLTestSupport
import Foundation
import Logging
import Testing

@testable import ETLPlugins

/// The `postgres` sink against a real PostgreSQL server that the suite starts itself
/// (``PostgresServer``): typed columns and jsonb read back through libpq and through `psql`,
/// idempotent replays, batches, errors that name the server without its password, and `etl`
/// itself validating and running a pipeline that writes to it.
@Suite(.serialized, .postgresServer) struct PostgresSinkTests {
    let context = RunContext(logger: Logger(label: "etl.tests.postgres"))

    var server: PostgresServer {
        get throws { try #require(PostgresServer.current, "the suite's PostgreSQL server") }
    }

    /// A sink on `url` with `options` besides the URL.
    func sink(_ url: String, _ options: [String: JSONValue] = [:]) throws -> PostgresSink {
        try PostgresSink(options: PluginOptions(options.merging(["url": .string(url)]) { $1 }))
    }

    /// An article record as the `article` step makes them, with a fetch time.
    func article(_ number: Int, title: String? = nil, fetchedAt: String = "2026-11-26T14:00:00Z") -> ETLKit.Record {
        ETLKit.Record(
            url: "https://news.example/\(number)", source: "test",
            fields: [
                "title": .string(title ?? "Title \(number)"),
                "lead": .string("Lead \(number)"),
                "body": .array([.string("First paragraph, with a ZWNJ: می‌خواهم."), .string("Second \"quoted\" paragraph.")]),
                "published": .string("2022-12-17T08:28:00+03:30"),
                "modified": .string("2022-12-17"),
                "authors": .array([.string("A. Writer"), .string("B \"Quote\" Backslash\\")]),
                "tags": .array([.string("politics"), .string("اقتصاد")]),
                "images": .array([]),
                "tables": .array([.array([.array([.string("a"), .string("b")])])]),
                "language": .string("fa"),
                "category": .null,
                "fetchedAt": .string(fetchedAt),
                "status": .integer(200),
            ])
    }

    /// Runs `psql` on `url` with one statement, unaligned and tuples only.
    func psql(_ url: String, _ sql: String) throws -> String {
        let result = try CommandLineTool.run(["-X", "-At", "-v", "ON_ERROR_STOP=1", "-c", sql, url], program: try server.psql)
        #expect(result.status == 0, "psql failed: \(result.standardError)")
        return result.standardOutput.trimmingCharacters(in: .newlines)
    }

    @Test func recordsLandWithTypedColumnsAndTheWholeRecordAsJSONB() async throws {
        let url = try server.createDatabase()
        let sink = try sink(url)
        try await sink.open(context: context)
        try await sink.write(article(1))
        try await sink.write(article(2))
        try await sink.flush()
        try await sink.close()

        let connection = try PostgresConnection(url: url)
        let types = try connection.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'articles' ORDER BY ordinal_position")
        let typeOf = Dictionary(uniqueKeysWithValues: types.rows.compactMap { row in row[0].map { ($0, row[1] ?? "") } })
        #expect(typeOf["url"] == "text")
        #expect(typeOf["title"] == "text")
        #expect(typeOf["published"] == "timestamp with time zone")
        #expect(typeOf["authors"] == "ARRAY")
        #expect(typeOf["tables"] == "jsonb")
        #expect(typeOf["record"] == "jsonb")
        #expect(typeOf["updatedAt"] == "timestamp with time zone")
        #expect(types.rows.map { $0[0] ?? "" } == ["url"] + Array(ArticleField.columns.dropFirst()) + ["tables", "record", "updatedAt"])

        let row = try #require(
            try connection.execute(
                """
                SELECT title, body, published, modified, authors[2], array_length(tags, 1), tags[2], images, tables -> 0 -> 0 ->> 1,
                       category, record ->> 'title', record -> 'body' ->> 1, record ->> 'status', record ->> 'fetchedAt'
                FROM articles WHERE url = $1
                """, ["https://news.example/1"]
            ).rows.first)
        #expect(row[0] == "Title 1")
        #expect(row[1] == "First paragraph, with a ZWNJ: می‌خواهم.\n\nSecond \"quoted\" paragraph.")
        #expect(row[2] == "2022-12-17 04:58:00+00")  // the moment, in the session's UTC
        #expect(row[3] == nil)  // a date alone is no moment: NULL here, kept in `record`
        #expect(row[4] == "B \"Quote\" Backslash\\")
        #expect(row[5] == "2")
        #expect(row[6] == "اقتصاد")
        #expect(row[7] == "{}")
        #expect(row[8] == "b")
        #expect(row[9] == nil)
        #expect(row[10] == "Title 1")
        #expect(row[11] == "Second \"quoted\" paragraph.")
        #expect(row[12] == "200")
        #expect(row[13] == "2026-11-26T14:00:00Z")

        // Another client reads the same: psql, with typed queries on the columns.
        #expect(try psql(url, "SELECT count(*) FROM articles WHERE published < '2022-12-18' AND 'politics' = ANY(tags)") == "2")
        #expect(try psql(url, "SELECT record->>'modified' FROM articles ORDER BY url LIMIT 1") == "2022-12-17")
        #expect(try psql(url, "SELECT title FROM articles ORDER BY url") == "Title 1\nTitle 2")
    }

    @Test func aReplayChangesNothingAndAnEditUpdatesTheRow() async throws {
        let url = try server.createDatabase()
        let first = try sink(url)
        try await first.open(context: context)
        for number in 1...5 { try await first.write(article(number)) }
        try await first.close()

        let connection = try PostgresConnection(url: url)
        let before = try connection.execute(#"SELECT url, xmin::text, "updatedAt"::text FROM articles ORDER BY url"#).rows

        // The same records fetched again later (only fetchedAt differs), and one edited.
        let second = try sink(url)
        try await second.open(context: context)
        for number in 1...5 {
            try await second.write(article(number, title: number == 3 ? "Title 3, edited" : nil, fetchedAt: "2026-11-27T09:00:00Z"))
        }
        try await second.close()

        let after = try connection.execute(#"SELECT url, xmin::text, "updatedAt"::text, title FROM articles ORDER BY url"#).rows
        #expect(after.count == 5)
        for (old, new) in zip(before, after) {
            if new[0] == "https://news.example/3" {
                #expect(new[1] != old[1], "the edited row was written")
                #expect(new[2] != old[2], "its updatedAt moved")
                #expect(new[3] == "Title 3, edited")
            } else {
                #expect(new[1] == old[1], "an unchanged row was not touched: \(new[0] ?? "")")
                #expect(new[2] == old[2])
            }
        }
        #expect(
            try connection.execute("SELECT record->>'fetchedAt' FROM articles WHERE url = $1", ["https://news.example/3"]).scalar
                == "2026-11-27T09:00:00Z")
        #expect(
            try connection.execute("SELECT record->>'fetchedAt' FROM articles WHERE url = $1", ["https://news.example/1"]).scalar
                == "2026-11-26T14:00:00Z")
    }

    @Test func batchesLargerThanTheBatchSizeAndThanOneStatement() async throws {
        let url = try server.createDatabase()
        let connection = try PostgresConnection(url: url)
        let small = try sink(url, ["batchSize": .integer(7), "table": .string("small")])
        try await small.open(context: context)
        for number in 1...50 { try await small.write(article(number)) }
        // A key twice before a flush: one row, the later record (one statement cannot upsert a row twice).
        try await small.write(article(50, title: "Title 50, again"))
        // Seven full batches went out as records came; the last record waits for the flush.
        #expect(try connection.execute("SELECT count(*) FROM small").scalar == "49")
        try await small.flush()
        #expect(try connection.execute("SELECT count(*) FROM small").scalar == "50")
        #expect(try connection.execute("SELECT title FROM small WHERE url = $1", ["https://news.example/50"]).scalar == "Title 50, again")
        try await small.close()

        // 4,500 records of 17 parameters each are more than one statement's 65,535 parameters:
        // two statements in the batch's one transaction.
        let large = try sink(url, ["batchSize": .integer(5000), "table": .string("large")])
        try await large.open(context: context)
        for number in 1...4500 { try await large.write(article(number)) }
        #expect(try connection.execute("SELECT count(*) FROM large").scalar == "0")
        try await large.close()
        #expect(try connection.execute("SELECT count(*), count(DISTINCT url) FROM large").rows.first == ["4500", "4500"])
    }

    @Test func anExistingTableGetsTheMissingColumnsAndAKeyIndex() async throws {
        let url = try server.createDatabase()
        let connection = try PostgresConnection(url: url)
        try connection.execute("CREATE TABLE pages (url text, title text)")
        try connection.execute("INSERT INTO pages VALUES ('https://news.example/old', 'Old')")
        let sink = try sink(url, ["table": .string("pages"), "columns": .array([.string("title"), .string("published"), .string("words")])])
        try await sink.open(context: context)
        try await sink.write(article(1))
        try await sink.close()
        let columns = try connection.execute(
            "SELECT column_name || ' ' || data_type FROM information_schema.columns WHERE table_name = 'pages' ORDER BY ordinal_position")
        #expect(
            columns.rows.map { $0[0] ?? "" }
                == ["url text", "title text", "published timestamp with time zone", "words text", "record jsonb", "updatedAt timestamp with time zone"])
        #expect(try connection.execute("SELECT count(*) FROM pages").scalar == "2")
    }

    @Test func errorsNameTheServerWithoutItsPassword() async throws {
        // Nothing listens there.
        let port = try PostgresServer.freePort()
        let unreachable = try sink("postgres://etl:s3cret-pw@127.0.0.1:\(port)/corpus?sslmode=disable")
        #expect(unreachable.redactedURL == "postgres://etl:***@127.0.0.1:\(port)/corpus?sslmode=disable")
        let refused = await #expect(throws: PostgresSinkError.self) { try await unreachable.open(context: context) }
        let refusedText = refused?.description ?? ""
        #expect(refused?.code == .cannotOpen)
        #expect(refusedText.contains("cannot open table \"articles\": cannot connect to PostgreSQL at postgres://etl:***@127.0.0.1:\(port)/corpus"))
        #expect(refusedText.contains("refused"), "libpq's reason: \(refusedText)")
        #expect(!refusedText.contains("s3cret"))

        // The right server, a wrong password (as a query parameter this time).
        let wrongPassword = try sink("postgresql://etl@127.0.0.1:\(try server.port)/postgres?password=wrong-s3cret")
        let denied = await #expect(throws: PostgresSinkError.self) { try await wrongPassword.open(context: context) }
        let deniedText = denied?.description ?? ""
        #expect(deniedText.contains("password authentication failed"), "\(deniedText)")
        #expect(deniedText.contains("?password=***"))
        #expect(!deniedText.contains("s3cret"))

        // A statement the server refuses: its SQLSTATE and statement are in the error.
        let connection = try PostgresConnection(url: try server.url())
        let refusal = #expect(throws: PostgresError.self) { try connection.execute("SELECT * FROM no_such_table") }
        #expect(refusal?.sqlState == "42P01")
        #expect(refusal?.statement == "SELECT * FROM no_such_table")
        #expect(refusal?.description.contains("ERROR 42P01: relation \"no_such_table\" does not exist") ?? false)

        // A URL libpq cannot read is an option error, found without any I/O.
        let invalid = #expect(throws: OptionError.self) { try sink("postgres://etl:s3cret@host:notaport/db") }
        #expect(invalid?.option == "url")
        #expect(!(invalid?.description.contains("s3cret") ?? true))
    }

    @Test func tlsAsTheURLAsksForIt() async throws {
        let url = try server.createDatabase() + "?sslmode=require"
        let sink = try sink(url)
        try await sink.open(context: context)
        try await sink.write(article(1))
        try await sink.close()
        let connection = try PostgresConnection(url: url)
        #expect(try connection.execute("SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid()").scalar == "true")
        #expect(try connection.execute("SELECT count(*) FROM articles").scalar == "1")
        let plain = try PostgresConnection(url: try server.url() + "?sslmode=disable")
        #expect(try plain.execute("SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid()").scalar == "false")

        // verify-full checks the certificate against a root the client trusts: there is none here.
        let verified = try PostgresSink(
            options: PluginOptions([
                "url": .string(try server.url() + "?sslmode=verify-full&sslrootcert=/nonexistent/root.crt")
            ]))
        let refused = await #expect(throws: PostgresSinkError.self) { try await verified.open(context: context) }
        #expect(refused?.description.contains("root certificate file \"/nonexistent/root.crt\" does not exist") ?? false, "\(refused?.description ?? "")")
        #expect(!(refused?.description.contains(PostgresServer.password) ?? true))
    }

    @Test func theServerGoingAwayFailsTheFlushAndKeepsTheRecordsForTheNextTry() async throws {
        let url = try server.createDatabase()
        let sink = try sink(url, ["batchSize": .integer(100)])
        try await sink.open(context: context)
        try await sink.write(article(1))
        // The sink's own connection is ended by the server (as a restart would).
        let admin = try PostgresConnection(url: url)
        try admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
        try await sink.write(article(2))
        // The first statement on a dead connection fails; the client connects again for the next.
        do {
            try await sink.flush()
        } catch let error as PostgresSinkError {
            #expect(error.code == .writeFailed)
            try await sink.flush()
        }
        try await sink.close()
        #expect(try admin.execute("SELECT count(*) FROM articles").scalar == "2")
    }

    @Test func deadLettersGoToPostgresTooAndValidateNeedsNoServer() async throws {
        let url = try server.createDatabase()
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let demoPages = CommandLineTool.packageRoot.appendingPathComponent("pipelines/demo-pages")
        let first = try #require(try FileManager.default.contentsOfDirectory(atPath: demoPages.path).filter { $0.hasSuffix(".html") }.sorted().first)
        _ = try folder.write("<html><body><nav><a href=\"/\">Home</a></nav></body></html>", to: "pages/empty.html")
        try FileManager.default.copyItem(atPath: demoPages.appendingPathComponent(first).path, toPath: folder.path("pages/article.html"))
        let pipeline = try folder.write(
            """
            {
              "sources": [{ "use": "files", "glob": "\(folder.path("pages"))/*.html" }],
              "sinks": [{ "use": "postgres", "url": "${DATABASE_URL}" }],
              "deadLetters": { "use": "postgres", "url": "${DATABASE_URL}", "table": "dead", "columns": ["step", "reason", "failedAt"] }
            }
            """, to: "pipeline.json")

        // Nothing listens on that port: validating does not connect.
        let port = try PostgresServer.freePort()
        let validated = try CommandLineTool.run(["validate", pipeline], environment: ["DATABASE_URL": "postgres://etl:pw@127.0.0.1:\(port)/x"])
        #expect(validated.status == 0, "\(validated.standardError)")

        let run = try CommandLineTool.run(["run", pipeline, "--quiet"], environment: ["DATABASE_URL": url])
        #expect(run.status == 1, "a page failed: \(run.standardError)")
        #expect(try psql(url, "SELECT count(*) FROM articles") == "1")
        let dead = try psql(url, #"SELECT step || ' | ' || reason || ' | ' || pg_typeof("failedAt") FROM dead"#)
        #expect(dead.hasPrefix("article | no article text found in file://"), "\(dead)")
        #expect(dead.hasSuffix(" | timestamp with time zone"))
        #expect(try psql(url, #"SELECT count(*) FROM dead WHERE "failedAt" > now() - interval '1 hour'"#) == "1")
    }

    @Test func etlValidatesAndRunsAPipelineThatWritesToPostgres() async throws {
        let url = try server.createDatabase()
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let pages = CommandLineTool.packageRoot.appendingPathComponent("pipelines/demo-pages").path
        let pipeline = try folder.write(
            """
            {
              "name": "to-postgres",
              "sources": [{ "use": "files", "glob": "\(pages)/*.html" }],
              "sinks": [{ "use": "postgres", "url": "${DATABASE_URL}", "table": "corpus", "batchSize": 2 }],
              "deadLetters": { "use": "jsonl", "path": "\(folder.path("dead.jsonl"))" },
              "state": "\(folder.path("state.sqlite"))"
            }
            """, to: "pipeline.json")
        let environment = ["DATABASE_URL": url]

        let validated = try CommandLineTool.run(["validate", pipeline], environment: environment)
        #expect(validated.status == 0, "\(validated.standardError)")
        let missing = try CommandLineTool.run(["validate", pipeline], environment: ["DATABASE_URL": "postgres://etl:pw@127.0.0.1:notaport/x"])
        #expect(missing.status == 2)
        #expect(missing.standardError.contains("$.sinks[0].url"), "\(missing.standardError)")

        let run = try CommandLineTool.run(["run", pipeline, "--quiet"], environment: environment)
        #expect(run.status == 0, "\(run.standardError)")
        #expect(!run.standardError.contains(PostgresServer.password))
        let count = try psql(url, "SELECT count(*) FROM corpus")
        let files = try FileManager.default.contentsOfDirectory(atPath: pages).filter { $0.hasSuffix(".html") }
        #expect(count == String(files.count))
        #expect(try psql(url, "SELECT count(*) FROM corpus WHERE title IS NOT NULL AND body <> '' AND record ? 'fetchedAt'") == count)
        let updated = try psql(url, #"SELECT string_agg("updatedAt"::text, ',' ORDER BY url) FROM corpus"#)

        // Again with --full-refresh: every page written again, and not one row changed.
        let again = try CommandLineTool.run(["run", pipeline, "--quiet", "--full-refresh"], environment: environment)
        #expect(again.status == 0, "\(again.standardError)")
        // The table exists now: the server's notices ("… already exists, skipping") are not printed.
        #expect(!again.standardError.contains("NOTICE"), "\(again.standardError)")
        #expect(try psql(url, "SELECT count(*) FROM corpus") == count)
        #expect(try psql(url, #"SELECT string_agg("updatedAt"::text, ',' ORDER BY url) FROM corpus"#) == updated)

        // The shipped example does the same into a table of its choice.
        let shipped = try CommandLineTool.run(
            ["run", "pipelines/postgres.json", "--quiet"],
            environment: ["DATABASE_URL": url, "TABLE": "shipped", "OUT": folder.url.path])
        #expect(shipped.status == 0, "\(shipped.standardError)")
        #expect(try psql(url, "SELECT count(*) FROM shipped WHERE published IS NOT NULL") == count)

        // A server that is not there: exit 3, and the message names it without the password.
        let port = try PostgresServer.freePort()
        let down = try CommandLineTool.run(
            ["run", pipeline, "--quiet"],
            environment: ["DATABASE_URL": "postgres://etl:s3cret@127.0.0.1:\(port)/x"])
        #expect(down.status == 3, "\(down.standardError)")
        #expect(down.standardError.contains("postgres://etl:***@127.0.0.1:\(port)/x"), "\(down.standardError)")
        #expect(!down.standardError.contains("s3cret"))
    }
}
