import ETLKit
import ETLPostgres
import Foundation

/// The ``HostLedger`` of a PostgreSQL state (``PostgresStateStore/hostLedger``): per-host request
/// starts and robots.txt files kept in two tables of the state's database, so that every `etl run`
/// of a pipeline, on any machine, keeps one delay per host and reads each robots.txt once.
///
/// The tables are made with the state's (``PostgresStateStore/open(url:)``, schema version 2):
/// - `etl_hosts`: `host text PRIMARY KEY`, `last_start timestamptz` (the last start reserved) and
///   `next_start timestamptz` (no start before it: the last start plus the interval it asked to
///   keep, or the end of a Retry-After hold). A reservation is one statement: an upsert whose row
///   lock orders concurrent reservers, so their starts are never closer than their intervals
///   (the server's `clock_timestamp()` is the one clock). `last_start` (not only `next_start`)
///   lets a request asking for a longer interval (a longer `delay`, a Crawl-delay learnt since)
///   keep it before itself too, as ``HostSchedule`` does within a run.
/// - `etl_robots`: `(origin, user_agent) PRIMARY KEY`, `outcome` (`parsed`, `allowAll`,
///   `disallowAll`, or `reading` while a worker reads it), `text`, `expires timestamptz`.
///
/// **robots.txt read once.** ``robots(origin:userAgent:)`` does not only look: when there is no
/// live row it claims one (`reading`, for ``readingClaim``) in the same statement, and the
/// workers that ask meanwhile wait until the claimer stores what it read
/// (``storeRobots(_:origin:userAgent:)``), so workers that start at once read the file once. A
/// claimer that died is replaced when its claim expires.
///
/// It has a connection of its own (``PostgresClient`` runs one statement at a time): the state's
/// is busy with lookups and commits, and a reservation must not queue behind them.
public final class PostgresHostLedger: HostLedger {
    /// The URL with its password redacted: what messages show.
    public let redactedURL: String
    private let client: PostgresClient

    /// How long a worker that reads a robots.txt keeps the others waiting for it; past it, the
    /// next one reads the file itself.
    static let readingClaim: Duration = .seconds(30)
    /// How often a worker waiting for another's robots.txt looks again.
    static let robotsPoll: Duration = .milliseconds(100)

    private init(client: PostgresClient) {
        self.client = client
        self.redactedURL = client.redactedURL
    }

    /// How long a ledger statement may take before it fails (see ``HostLedgerGate``: the request
    /// then keeps the run's own politeness). A reservation holds its row for a moment only, so a
    /// statement this slow means a database that hangs, and every request of the run waits on it.
    static let statementTimeout: Duration = .seconds(5)

    /// Connects to `url`, whose tables ``PostgresStateStore/open(url:)`` made; its statements fail
    /// after `statementTimeout`.
    static func open(url: String, statementTimeout: Duration = statementTimeout) async throws(PostgresStateStoreError) -> PostgresHostLedger {
        do {
            return PostgresHostLedger(client: try await PostgresClient.connect(url: url, statementTimeout: statementTimeout))
        } catch {
            throw .cannotOpen(url: PostgresURL.redacted(url), underlying: error)
        }
    }

    /// How long after it stops mattering a row is kept: a host's row whose last start and next
    /// start are this far in the past holds nothing back (a reservation starts from now, and no
    /// interval is near a day), and a robots.txt row expired this long ago would be read again
    /// anyway. A worker that starts deletes such rows (``pruneStaleRows()``), so the tables keep
    /// the hosts and files of the last day, not of every crawl ever run.
    static let staleAfter = "1 day"

    /// Deletes the rows that no longer hold anything back (``staleAfter``). Best effort: a role
    /// allowed to write rows but not to delete them keeps them, and the run goes on.
    func pruneStaleRows() async {
        _ = try? await run("prune the hosts and robots.txt files of") { connection in
            try connection.execute(
                "DELETE FROM etl_hosts WHERE next_start < now() - interval '\(Self.staleAfter)' AND (last_start IS NULL OR last_start < now() - interval '\(Self.staleAfter)')"
            )
            try connection.execute("DELETE FROM etl_robots WHERE expires < now() - interval '\(Self.staleAfter)'")
        }
    }

    /// Closes the connection; later calls fail.
    func close() async {
        await client.close()
    }

    /// One statement (see the type's discussion). The wait is the reserved start minus the
    /// server's clock after the reservation, never negative.
    public func reserveStart(host: String, interval: Duration) async throws -> Duration {
        let seconds = String(Self.seconds(max(interval, .zero)))
        let rows = try await run("reserve a request start in") { connection in
            try connection.execute(Self.reserveStatement, [PostgresStateStore.text(host), seconds])
        }
        guard let value = rows.rows.first?.first ?? nil, let wait = Double(value) else {
            let answer = PostgresError(.statementFailed, "PostgreSQL at \(redactedURL) answered a reservation without a wait: \(rows.rows)", url: redactedURL)
            throw PostgresStateStoreError.failed(action: "reserve a request start in", url: redactedURL, underlying: answer)
        }
        return .seconds(max(wait, 0))
    }

    /// The reservation: the start is the latest of `next_start`, the last start plus this
    /// request's own interval, and now (each evaluated once the row is locked); `next_start`
    /// becomes that start plus the interval. `$2`: the interval in seconds.
    static let reserveStatement = """
        WITH reserved AS (
            INSERT INTO etl_hosts AS h (host, last_start, next_start)
            VALUES ($1, clock_timestamp(), clock_timestamp() + $2::float8 * interval '1 second')
            ON CONFLICT (host) DO UPDATE SET
                last_start = greatest(h.next_start, h.last_start + $2::float8 * interval '1 second', clock_timestamp()),
                next_start = greatest(h.next_start, h.last_start + $2::float8 * interval '1 second', clock_timestamp())
                    + $2::float8 * interval '1 second'
            RETURNING h.last_start
        )
        SELECT greatest(extract(epoch FROM last_start - clock_timestamp()), 0)::float8 FROM reserved
        """

    public func hold(host: String, for duration: Duration) async throws {
        let seconds = String(Self.seconds(max(duration, .zero)))
        _ = try await run("hold a host in") { connection in
            try connection.execute(
                """
                INSERT INTO etl_hosts AS h (host, last_start, next_start)
                VALUES ($1, NULL, clock_timestamp() + $2::float8 * interval '1 second')
                ON CONFLICT (host) DO UPDATE SET
                    next_start = greatest(h.next_start, clock_timestamp() + $2::float8 * interval '1 second')
                """, [PostgresStateStore.text(host), seconds])
        }
    }

    /// The stored file, or nil when this worker is to read it (it then holds the claim: see the
    /// type's discussion); waits while another worker reads it.
    public func robots(origin: String, userAgent: String) async throws -> StoredRobots? {
        let parameters = [PostgresStateStore.text(origin), PostgresStateStore.text(userAgent), String(Self.seconds(Self.readingClaim))]
        while true {
            let rows = try await run("read robots.txt from") { connection in
                try connection.execute(Self.robotsStatement, parameters)
            }
            if let row = rows.rows.first, row.count == 3 {
                if row[0] == Self.claimed { return nil }
                if let outcome = row[0].flatMap(StoredRobots.Outcome.init(rawValue:)), let expires = row[2].flatMap(Double.init) {
                    return StoredRobots(outcome: outcome, text: row[1] ?? "", expires: Date(timeIntervalSince1970: expires))
                }
            }
            // Another worker is reading it (its claim, or its claim being made at this moment).
            try await Task.sleep(for: Self.robotsPoll)
        }
    }

    /// What ``robots(origin:userAgent:)``'s statement answers when this worker got the claim.
    static let claimed = "claimed"

    /// Claims the row when it is missing or expired, else returns it as it was (the claim's
    /// snapshot: the other's `reading` claim, or the stored file). No row: a claim by another
    /// being made at the same moment. `$3`: the claim's seconds.
    static let robotsStatement = """
        WITH claim AS (
            INSERT INTO etl_robots AS r (origin, user_agent, outcome, text, expires)
            VALUES ($1, $2, 'reading', '', clock_timestamp() + $3::float8 * interval '1 second')
            ON CONFLICT (origin, user_agent) DO UPDATE SET
                outcome = 'reading', text = '', expires = clock_timestamp() + $3::float8 * interval '1 second'
            WHERE r.expires <= clock_timestamp()
            RETURNING 1
        )
        SELECT 'claimed', NULL, NULL FROM claim
        UNION ALL
        SELECT outcome, text, extract(epoch FROM expires)::float8 FROM etl_robots
        WHERE origin = $1 AND user_agent = $2 AND expires > clock_timestamp() AND NOT EXISTS (SELECT 1 FROM claim)
        """

    public func storeRobots(_ robots: StoredRobots, origin: String, userAgent: String) async throws {
        let parameters = [
            PostgresStateStore.text(origin), PostgresStateStore.text(userAgent), robots.outcome.rawValue, PostgresStateStore.text(robots.text),
            String(robots.expires.timeIntervalSince1970),
        ]
        _ = try await run("store robots.txt in") { connection in
            try connection.execute(
                """
                INSERT INTO etl_robots (origin, user_agent, outcome, text, expires) VALUES ($1, $2, $3, $4, to_timestamp($5::float8))
                ON CONFLICT (origin, user_agent) DO UPDATE SET outcome = excluded.outcome, text = excluded.text, expires = excluded.expires
                """, parameters)
        }
    }

    /// `duration` in seconds, to the microsecond PostgreSQL keeps.
    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds / 1_000_000_000_000) / 1_000_000
    }

    /// Runs `body` on the ledger's connection; a failure becomes a ``PostgresStateStoreError``.
    private func run<T: Sendable>(_ action: String, _ body: @escaping @Sendable (PostgresConnection) throws -> T) async throws(PostgresStateStoreError) -> T {
        do {
            return try await client.withConnection(body)
        } catch {
            throw .failed(action: action, url: redactedURL, underlying: error)
        }
    }
}
