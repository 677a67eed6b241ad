import ETLKit
import ETLPostgres
import Foundation

/// The PostgreSQL ``StateStore``: the SQLite store's semantics (``SQLiteStateStore``) in a table of
/// a PostgreSQL database, for runs on several machines or a state other programs query.
///
/// Seven tables, made on first use in the first schema of the session's `search_path` (`public`
/// unless the URL says otherwise, `?options=-csearch_path%3Dnews`: one schema per pipeline keeps
/// two pipelines of one database apart):
/// - `etl_state`: one row per canonical URL: `url text PRIMARY KEY`, `status` (`done` or
///   `failed`), `attempts`, `last_fetch timestamptz`, `etag`, `last_modified`, `content_hash`,
///   `reason` and `permanent` (the failure's, for a failed URL).
/// - `etl_hosts` and `etl_robots`: the workers' shared politeness and robots.txt files
///   (``hostLedger``, a ``PostgresHostLedger``).
/// - `etl_frontier`, `etl_rounds` and `etl_workers`: the work the pipeline's workers share
///   (``frontier``, a ``PostgresFrontier``).
/// - `etl_schema`: the version of each part etl keeps in the database (`component` `state`,
///   `version` 2). A database whose version is newer than this build's is refused at open
///   (``ErrorCode/newerSchema``) rather than written in a layout this build does not know; an
///   older one is migrated in place (version 1 had no `etl_hosts` and `etl_robots`: they are
///   made, and the frontier's). The version went to 2 with the ledger and the frontier so that a worker of a build before it, which
///   would not keep the shared delays, is refused by a database that newer workers use.
///
/// Opening takes a transaction-scoped advisory lock before it creates or checks anything, so two
/// runs that start at once on an empty database do not both create the tables (`CREATE TABLE IF
/// NOT EXISTS` alone is not safe against a concurrent one). Each commit of the runner's journal
/// (``record(_:)-([StateEntry])``) is one transaction of multi-row upserts: a killed run keeps
/// every commit before it and none of the one it was in.
///
/// Lookups from many workers share one connection (``PostgresClient``: one statement at a time),
/// each one round trip; a connection that broke is made again before the next statement. The
/// ledger has a second connection of its own.
public final class PostgresStateStore: StateStore, InspectableStateStore {
    /// The URL with its password redacted: what messages show.
    public let redactedURL: String
    private let client: PostgresClient
    private let ledger: PostgresHostLedger

    /// Politeness and robots.txt shared by the pipeline's workers, in `etl_hosts` and `etl_robots`.
    public var hostLedger: (any HostLedger)? { ledger }

    /// The schema version this build writes and reads: the `version` of the `state` row of `etl_schema`.
    public static let schemaVersion = 2
    /// The row of `etl_schema` that holds the state's version.
    static let component = "state"
    /// Columns of a row, in the order the statements below send and read them.
    static let columns = "url, status, attempts, last_fetch, etag, last_modified, content_hash, reason, permanent"
    /// Most rows in one INSERT: nine parameters each, within the protocol's 65,535.
    static let rowsPerStatement = PostgresConnection.maximumParameters / 9

    /// The work shared by the pipeline's workers (``PostgresFrontier``), on the store's connection.
    public let frontier: (any Frontier)?

    private init(client: PostgresClient, ledger: PostgresHostLedger) {
        self.client = client
        self.ledger = ledger
        self.redactedURL = client.redactedURL
        self.frontier = PostgresFrontier(client: client, redactedURL: client.redactedURL)
    }

    /// Connects to `url`, and makes the tables if they are missing (or checks their version).
    public static func open(url: String) async throws(PostgresStateStoreError) -> PostgresStateStore {
        let redacted = PostgresURL.redacted(url)
        let client: PostgresClient
        do {
            client = try await PostgresClient.connect(url: url)
        } catch {
            throw .cannotOpen(url: redacted, underlying: error)
        }
        do {
            let found = try await client.transaction { connection -> Int in
                // Every etl process that opens a state takes this lock first: one makes the tables,
                // the others wait and then find them.
                try connection.execute("SELECT pg_advisory_xact_lock(hashtext('etl.state-schema'))")
                // Looked up before any CREATE: `CREATE TABLE IF NOT EXISTS` needs the right to create
                // in the schema even when the table is there, and a user given only its rows on
                // tables made by another (PostgreSQL 15 grants no CREATE on `public`) must get in.
                let tablesExist = try connection.execute("SELECT to_regclass('etl_schema') IS NOT NULL AND to_regclass('etl_state') IS NOT NULL").scalar == "t"
                let ledgerExists =
                    try connection.execute(
                        "SELECT to_regclass('etl_hosts') IS NOT NULL AND to_regclass('etl_robots') IS NOT NULL AND to_regclass('etl_frontier') IS NOT NULL"
                    ).scalar == "t"
                if !tablesExist {
                    try connection.execute(
                        """
                        CREATE TABLE IF NOT EXISTS etl_schema (
                            component text PRIMARY KEY,
                            version integer NOT NULL,
                            updated_at timestamptz NOT NULL DEFAULT now()
                        )
                        """)
                }
                let stored = try connection.execute("SELECT version FROM etl_schema WHERE component = $1", [component]).scalar
                let version = stored.map { Int($0) ?? Int.max }
                // A newer layout is left as it is (refused below), whatever of it is missing.
                if let version, version > schemaVersion { return version }
                if !tablesExist {
                    try connection.execute(
                        """
                        CREATE TABLE IF NOT EXISTS etl_state (
                            url text PRIMARY KEY,
                            status text NOT NULL CHECK (status IN ('done', 'failed')),
                            attempts integer NOT NULL DEFAULT 0,
                            last_fetch timestamptz NOT NULL,
                            etag text,
                            last_modified text,
                            content_hash text,
                            reason text,
                            permanent boolean NOT NULL DEFAULT false
                        )
                        """)
                }
                // Version 2: the ledger's and the frontier's tables (on a new database, and on one of version 1).
                if !ledgerExists {
                    for statement in ledgerTables + PostgresFrontier.tables { try connection.execute(statement) }
                }
                if version == nil {
                    try connection.execute("INSERT INTO etl_schema (component, version) VALUES ($1, $2)", [component, String(schemaVersion)])
                } else if let version, version < schemaVersion {
                    try connection.execute(
                        "UPDATE etl_schema SET version = $2, updated_at = now() WHERE component = $1", [component, String(schemaVersion)])
                }
                return version ?? schemaVersion
            }
            // Versions are only ever added to: a newer one is a layout this build cannot know.
            if found > schemaVersion {
                throw PostgresStateStoreError.newerSchema(url: redacted, found: found, known: schemaVersion)
            }
        } catch {
            await client.close()
            if let error = error as? PostgresStateStoreError { throw error }
            throw .cannotOpen(url: redacted, underlying: error)
        }
        let ledger: PostgresHostLedger
        do {
            ledger = try await PostgresHostLedger.open(url: url)
        } catch {
            await client.close()
            throw error
        }
        await ledger.pruneStaleRows()
        return PostgresStateStore(client: client, ledger: ledger)
    }

    /// The ledger's tables (``PostgresHostLedger``), made with schema version 2.
    static let ledgerTables = [
        """
        CREATE TABLE IF NOT EXISTS etl_hosts (
            host text PRIMARY KEY,
            last_start timestamptz,
            next_start timestamptz NOT NULL
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS etl_robots (
            origin text NOT NULL,
            user_agent text NOT NULL,
            outcome text NOT NULL CHECK (outcome IN ('parsed', 'allowAll', 'disallowAll', 'reading')),
            text text NOT NULL,
            expires timestamptz NOT NULL,
            PRIMARY KEY (origin, user_agent)
        )
        """,
    ]

    public func entry(for url: String) async throws -> StateEntry? {
        let rows = try await run("read") { connection in
            try connection.execute("SELECT \(Self.selected) FROM etl_state WHERE url = $1", [Self.text(url)])
        }
        return rows.rows.first.flatMap(Self.entry(from:))
    }

    public func record(_ entry: StateEntry) async throws {
        try await record([entry])
    }

    /// One transaction: multi-row upserts of at most ``rowsPerStatement`` rows each. The same URL
    /// twice keeps its last entry (one statement cannot upsert a row twice).
    public func record(_ entries: [StateEntry]) async throws {
        let rows = Self.rows(of: entries)
        guard !rows.isEmpty else { return }
        try await run("write") { connection in
            try connection.transaction { connection in try Self.upsert(rows, on: connection) }
        }
    }

    /// The parameters of the rows `entries` make: the same URL twice keeps its last entry (one
    /// statement cannot upsert a row twice).
    static func rows(of entries: [StateEntry]) -> [[String?]] {
        var latest: [String: Int] = [:]
        // Keyed as stored (``text(_:)``), so that two URLs that are one row are one entry.
        for (index, entry) in entries.enumerated() { latest[Self.text(entry.url)] = index }
        return entries.enumerated().filter { latest[Self.text($0.element.url)] == $0.offset }.map { Self.parameters(of: $0.element) }
    }

    /// Upserts rows made by ``rows(of:)`` in multi-row statements of at most ``rowsPerStatement``
    /// rows each, inside the caller's transaction.
    static func upsert(_ rows: [[String?]], on connection: PostgresConnection) throws {
        for start in stride(from: 0, to: rows.count, by: Self.rowsPerStatement) {
            let end = min(start + Self.rowsPerStatement, rows.count)
            try connection.execute(Self.upsert(rows: end - start), Array(rows[start..<end].joined()))
        }
    }

    public func close() async throws {
        await ledger.close()
        await client.close()
    }

    public func entries(withStatus status: StateEntry.Status?) async throws -> [StateEntry] {
        let condition: String
        switch status {
        case nil: condition = ""
        case .done: condition = " WHERE status = 'done'"
        case .failed: condition = " WHERE status <> 'done'"
        }
        let rows = try await run("read") { connection in
            // COLLATE "C": byte order, as SQLite sorts text, whatever the database's collation.
            try connection.execute("SELECT \(Self.selected) FROM etl_state\(condition) ORDER BY url COLLATE \"C\"")
        }
        return rows.rows.compactMap(Self.entry(from:))
    }

    /// Also takes the URL out of the frontier, so that a run of the round still open fetches it
    /// again when a source finds it.
    public func forget(_ url: String) async throws -> Bool {
        let rows = try await run("forget a URL in") { connection in
            try connection.transaction { connection in
                try connection.execute("DELETE FROM etl_frontier WHERE url = $1 AND status = 'done'", [Self.text(url)])
                return try connection.execute("DELETE FROM etl_state WHERE url = $1", [Self.text(url)])
            }
        }
        return (rows.affectedRows ?? 0) > 0
    }

    /// Also empties the frontier of what is done and closes an open round, so that the next run
    /// starts a new round and fetches everything. URLs queued or leased stay: workers may be
    /// running.
    public func clear() async throws -> Int {
        let rows = try await run("clear") { connection in
            try connection.transaction { connection in
                try connection.execute("DELETE FROM etl_frontier WHERE status = 'done'")
                try connection.execute("UPDATE etl_rounds SET finished = now() WHERE finished IS NULL")
                return try connection.execute("DELETE FROM etl_state")
            }
        }
        return rows.affectedRows ?? 0
    }

    public func counts() async throws -> StateCounts {
        let rows = try await run("read") { connection in
            try connection.execute(
                """
                SELECT count(*) FILTER (WHERE status = 'done'), count(*) FILTER (WHERE status <> 'done'),
                       extract(epoch FROM max(last_fetch))::float8
                FROM etl_state
                """)
        }
        let row = rows.rows.first ?? []
        func value(_ index: Int) -> String? { index < row.count ? row[index] : nil }
        return StateCounts(
            done: value(0).flatMap { Int($0) } ?? 0, failed: value(1).flatMap { Int($0) } ?? 0,
            lastFetch: value(2).flatMap { Double($0) }.map { Date(timeIntervalSince1970: $0) })
    }

    /// What the reads select, in this order (``entry(from:)``): the fetch time as seconds since
    /// 1970, which needs no parser of PostgreSQL's date text.
    static let selected =
        "url, status, attempts, extract(epoch FROM last_fetch)::float8, etag, last_modified, content_hash, reason, permanent"

    /// A row as an entry; nil for a row without a URL, attempts or time (none can be: NOT NULL).
    /// As in the SQLite store, a status other than `done` reads as failed.
    static func entry(from row: [String?]) -> StateEntry? {
        guard row.count == 9, let url = row[0], let attempts = row[2].flatMap({ Int($0) }), let seconds = row[3].flatMap({ Double($0) }) else {
            return nil
        }
        let status = row[1].flatMap(StateEntry.Status.init(rawValue:)) ?? .failed
        var entry = StateEntry(
            url: url, status: status, attempts: attempts, lastFetch: Date(timeIntervalSince1970: seconds),
            etag: row[4], lastModified: row[5], contentHash: row[6])
        if status == .failed {
            entry.failure = StateEntry.Failure(reason: row[7] ?? "", isPermanent: row[8] == "t")
        }
        return entry
    }

    /// An entry's nine parameters, in ``columns`` order. The time goes as seconds since 1970
    /// (`to_timestamp`: microseconds kept).
    static func parameters(of entry: StateEntry) -> [String?] {
        [
            text(entry.url), entry.status.rawValue, String(entry.attempts), String(entry.lastFetch.timeIntervalSince1970),
            entry.etag.map(text), entry.lastModified.map(text), entry.contentHash.map(text), entry.failure.map { text($0.reason) },
            (entry.failure?.isPermanent ?? false) ? "true" : "false",
        ]
    }

    /// `value` as PostgreSQL text holds it: a NUL (which SQLite keeps, and a server's message in
    /// a failure's reason may carry) becomes U+FFFD. Refused instead, it would stop every run at
    /// the same commit, the failure being remembered from run to run.
    static func text(_ value: String) -> String {
        PostgresText.containsNUL(value) ? value.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}") : value
    }

    /// `INSERT … VALUES (…), (…) ON CONFLICT (url) DO UPDATE` for `rows` rows.
    static func upsert(rows: Int) -> String {
        let values = (0..<rows).map { row in
            let base = row * 9
            return
                "($\(base + 1), $\(base + 2), $\(base + 3)::integer, to_timestamp($\(base + 4)::float8), $\(base + 5), $\(base + 6), $\(base + 7), $\(base + 8), $\(base + 9)::boolean)"
        }
        return """
            INSERT INTO etl_state (\(columns)) VALUES \(values.joined(separator: ", "))
            ON CONFLICT (url) DO UPDATE SET status = excluded.status, attempts = excluded.attempts,
            last_fetch = excluded.last_fetch, etag = excluded.etag, last_modified = excluded.last_modified,
            content_hash = excluded.content_hash, reason = excluded.reason, permanent = excluded.permanent
            """
    }

    /// Runs `body` on the connection; its failure becomes a ``PostgresStateStoreError`` saying
    /// what the store was doing.
    private func run<T: Sendable>(_ action: String, _ body: @escaping @Sendable (PostgresConnection) throws -> T) async throws(PostgresStateStoreError) -> T {
        do {
            return try await client.withConnection(body)
        } catch {
            throw .failed(action: action, url: redactedURL, underlying: error)
        }
    }
}

/// Why the PostgreSQL state store failed. Messages name the database by its redacted URL
/// (``PostgresURL/redacted(_:)``); ``underlying`` is the ``PostgresError`` with the SQLSTATE.
public struct PostgresStateStoreError: CodedError {
    public typealias Code = ErrorCode<PostgresStateStoreError>

    public let code: Code
    public let message: String
    public let underlying: (any Error)?
    /// The database's URL with its password replaced by `***`.
    public let url: String

    /// See ``ErrorCode/cannotOpen``.
    static func cannotOpen(url: String, underlying: any Error) -> Self {
        Self(code: .cannotOpen, message: "cannot open the state store at \(url): \(reason(underlying))", underlying: underlying, url: url)
    }

    /// See ``ErrorCode/newerSchema``.
    static func newerSchema(url: String, found: Int, known: Int) -> Self {
        Self(
            code: .newerSchema,
            message:
                "cannot open the state store at \(url): its tables are of schema version \(found) (etl_schema), and this etl knows versions up to \(known); use a newer etl, or another database or schema",
            underlying: nil, url: url)
    }

    /// See ``ErrorCode/failed``.
    static func failed(action: String, url: String, underlying: any Error) -> Self {
        Self(code: .failed, message: "cannot \(action) the state store at \(url): \(reason(underlying))", underlying: underlying, url: url)
    }

    /// A wrapped error's text: a ``PostgresError``'s message (which names the redacted URL itself).
    private static func reason(_ error: any Error) -> String {
        (error as? PostgresError)?.message ?? PostgresURL.redacted(String(describing: error))
    }
}

extension ErrorCode where Domain == PostgresStateStoreError {
    /// The database could not be reached, or its tables not made or read.
    public static var cannotOpen: Self { "cannotOpen" }
    /// The database holds a state of a newer schema version than this build knows.
    public static var newerSchema: Self { "newerSchema" }
    /// A read or a write failed (the connection, or a statement the server refused).
    public static var failed: Self { "failed" }
}
