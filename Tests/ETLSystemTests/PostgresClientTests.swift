import ETLPostgres
import Foundation
import Testing

/// The libpq wrapper against a real server: parameters, transactions, typed errors, and what the
/// shared frontier of many workers will stand on (row locks taken with `FOR UPDATE SKIP LOCKED`).
@Suite(.serialized, .postgresServer) struct PostgresClientTests {
    var server: PostgresServer {
        get throws { try #require(PostgresServer.current, "the suite's PostgreSQL server") }
    }

    @Test func parametersGoAsTextAndComeBackAsText() throws {
        let connection = try PostgresConnection(url: try server.createDatabase())
        let rows = try connection.execute(
            "SELECT $1::text, $2::int + 1, $3::text IS NULL, $4::jsonb ->> 'a'",
            ["می‌خواهم 'quoted' \"double\" \\", "41", nil, #"{"a": "b"}"#])
        #expect(rows.columns.count == 4)
        #expect(rows.rows == [["می‌خواهم 'quoted' \"double\" \\", "42", "t", "b"]])
        let refused = #expect(throws: PostgresError.self) { try connection.execute("SELECT $1::text", ["a\u{0}b"]) }
        #expect(refused?.code == .invalidParameter)
        #expect(try connection.execute("CREATE TABLE t (n int)").affectedRows == nil)
        #expect(try connection.execute("INSERT INTO t SELECT generate_series(1, 3)").affectedRows == 3)
    }

    @Test func aTransactionRollsBackWhenItsBodyThrows() throws {
        let connection = try PostgresConnection(url: try server.createDatabase())
        try connection.execute("CREATE TABLE t (n int PRIMARY KEY)")
        #expect(throws: PostgresError.self) {
            try connection.transaction { connection in
                try connection.execute("INSERT INTO t VALUES (1)")
                try connection.execute("INSERT INTO t VALUES (1)")  // 23505
            }
        }
        #expect(try connection.execute("SELECT count(*) FROM t").scalar == "0")
        try connection.transaction { connection in try connection.execute("INSERT INTO t VALUES (2)") }
        #expect(try connection.execute("SELECT count(*) FROM t").scalar == "1")
    }

    @Test func listenersHearWhatOthersNotify() throws {
        let url = try server.createDatabase()
        let listener = try PostgresConnection(url: url)
        let sender = try PostgresConnection(url: url)
        try listener.execute("LISTEN frontier")
        #expect(try listener.notifications(timeout: 0.05).isEmpty)
        try sender.execute("SELECT pg_notify('frontier', $1)", ["https://news.example/1"])
        let heard = try listener.notifications(timeout: 5)
        #expect(heard.map(\.channel) == ["frontier"])
        #expect(heard.map(\.payload) == ["https://news.example/1"])
        // Notifications sent in a transaction arrive at its commit, all of them.
        try sender.transaction { connection in
            try connection.execute("NOTIFY frontier, 'a'")
            try connection.execute("NOTIFY frontier, 'b'")
        }
        var payloads: [String] = []
        for _ in 0..<10 where payloads.count < 2 { payloads += try listener.notifications(timeout: 1).map(\.payload) }
        #expect(payloads == ["a", "b"])
    }

    @Test func workersTakeDifferentRowsWithSkipLocked() async throws {
        let url = try server.createDatabase()
        let setup = try PostgresConnection(url: url)
        try setup.execute("CREATE TABLE frontier (url text PRIMARY KEY, leased_by text)")
        try setup.execute("INSERT INTO frontier SELECT 'https://news.example/' || n, NULL FROM generate_series(1, 3) n")
        let first = try PostgresConnection(url: url)
        let second = try PostgresConnection(url: url)
        let take = "SELECT url FROM frontier WHERE leased_by IS NULL ORDER BY url LIMIT 1 FOR UPDATE SKIP LOCKED"
        try first.execute("BEGIN")
        try second.execute("BEGIN")
        let a = try first.execute(take).scalar
        let b = try second.execute(take).scalar
        #expect(a != nil && b != nil && a != b, "two workers, two rows: \(a ?? "nil"), \(b ?? "nil")")
        // Without SKIP LOCKED, NOWAIT refuses at once with SQLSTATE 55P03 (lock not available).
        let locked = #expect(throws: PostgresError.self) {
            try second.execute("SELECT url FROM frontier WHERE url = $1 FOR UPDATE NOWAIT", [a])
        }
        #expect(locked?.sqlState == "55P03")
        try first.execute("COMMIT")
        try second.execute("ROLLBACK")

        // The async clients, at once from two tasks, each on its own queue.
        let clients = [try await PostgresClient.connect(url: url), try await PostgresClient.connect(url: url)]
        let counts = try await withThrowingTaskGroup(of: String?.self) { group in
            for client in clients {
                group.addTask { try await client.execute("SELECT count(*) FROM frontier, pg_sleep(0.05)").scalar }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(counts == ["3", "3"])
        for client in clients { await client.close() }
        let closed = await #expect(throws: PostgresError.self) { try await clients[0].execute("SELECT 1") }
        #expect(closed?.code == .closed)
    }
}
