import ETLKit
import ETLPostgres
import Foundation
import Synchronization

/// The ``Frontier`` of a pipeline whose state is in PostgreSQL: the work every `etl run` of the
/// pipeline shares, on the state store's connection (so that a journal commit marks URLs done and
/// records their state in one transaction).
///
/// Three tables, made with the state's (``PostgresStateStore``, schema version 2):
/// - `etl_frontier`: one row per canonical URL: `host`, `round`, `seq` (the order URLs were
///   added: claims take the oldest first), `status` (`queued`, `leased`, `done`), `record` (the
///   source's record as JSON: `url`, `source`, `foundIn`, `fields`), `worker` and `lease_until`
///   while leased, `claims` (how many times it was leased: more than one means a worker died
///   holding it), `added`, `done_at`.
/// - `etl_rounds`: `round`, `started`, `finished`.
/// - `etl_workers`: one row per worker: its `name`, `round`, `started`, `heartbeat`,
///   `lease_seconds`, `sources_finished`, `stopped`, `done` (URLs it completed).
///
/// Claims lock the rows they take with `FOR UPDATE SKIP LOCKED`, so workers claiming at once never
/// wait on each other nor take one URL twice.
public final class PostgresFrontier: Frontier {
    private let client: PostgresClient
    private let redactedURL: String

    /// Who this worker is once it joined.
    private struct Membership {
        var worker: String
        var round: Int
        var lease: Duration
    }

    private let membership = Mutex<Membership?>(nil)

    init(client: PostgresClient, redactedURL: String) {
        self.client = client
        self.redactedURL = redactedURL
    }

    /// The frontier's tables, made with the state's schema version 2 (``PostgresStateStore``),
    /// one statement each.
    static let tables = [
        """
        CREATE TABLE IF NOT EXISTS etl_rounds (
            round integer PRIMARY KEY,
            started timestamptz NOT NULL DEFAULT now(),
            finished timestamptz
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS etl_frontier (
            url text PRIMARY KEY,
            host text NOT NULL,
            round integer NOT NULL,
            seq bigserial,
            status text NOT NULL CHECK (status IN ('queued', 'leased', 'done')),
            record json NOT NULL,
            worker text,
            lease_until timestamptz,
            claims integer NOT NULL DEFAULT 0,
            added timestamptz NOT NULL DEFAULT now(),
            done_at timestamptz
        )
        """,
        """
        CREATE INDEX IF NOT EXISTS etl_frontier_open ON etl_frontier (round, seq) WHERE status <> 'done'
        """,
        """
        CREATE INDEX IF NOT EXISTS etl_frontier_leased ON etl_frontier (worker) WHERE status = 'leased'
        """,
        """
        CREATE TABLE IF NOT EXISTS etl_workers (
            worker text PRIMARY KEY,
            name text NOT NULL,
            round integer NOT NULL,
            started timestamptz NOT NULL DEFAULT now(),
            heartbeat timestamptz NOT NULL DEFAULT now(),
            lease_seconds float8 NOT NULL,
            sources_finished boolean NOT NULL DEFAULT false,
            stopped timestamptz,
            done bigint NOT NULL DEFAULT 0
        )
        """,
    ]

    public func join(as name: String, lease: Duration) async throws {
        // Unique among workers however names repeat (two containers with one host name and pid).
        let worker = "\(name)-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
        let round = try await run("join") { connection in
            try connection.transaction { connection -> Int in
                try connection.execute("SELECT pg_advisory_xact_lock(hashtext('etl.frontier-round'))")
                let last = try connection.execute("SELECT round, finished IS NULL FROM etl_rounds ORDER BY round DESC LIMIT 1").rows.first
                var round = last.flatMap { $0.first ?? nil }.flatMap { Int($0) } ?? 0
                if last == nil || last?[1] != "t" {
                    round += 1
                    try connection.execute("INSERT INTO etl_rounds (round) VALUES ($1)", [String(round)])
                }
                try connection.execute(
                    "INSERT INTO etl_workers (worker, name, round, lease_seconds) VALUES ($1, $2, $3, $4)",
                    [worker, name, String(round), String(Self.seconds(lease))])
                return round
            }
        }
        membership.withLock { $0 = Membership(worker: worker, round: round, lease: lease) }
    }

    public func add(_ records: [Record]) async throws {
        let member = try self.member()
        var seen: Set<String> = []
        let elements: [JSONValue] = records.compactMap { record in
            let key = CanonicalURL.canonical(record.url)
            guard seen.insert(key).inserted else { return nil }
            return .object(["url": .string(key), "host": .string(Self.host(of: key)), "record": Self.json(of: record)])
        }
        guard !elements.isEmpty else { return }
        try await run("add URLs to") { connection in
            // One parameter for the whole batch; a URL done in an earlier round is queued again.
            try connection.execute(
                """
                INSERT INTO etl_frontier (url, host, round, status, record)
                SELECT e->>'url', e->>'host', $2, 'queued', e->'record' FROM json_array_elements($1::json) AS e
                ON CONFLICT (url) DO UPDATE SET round = excluded.round, status = 'queued', record = excluded.record,
                    worker = NULL, lease_until = NULL, added = now(), done_at = NULL
                WHERE etl_frontier.round < excluded.round
                """, [JSONValue.array(elements).jsonText(), String(member.round)])
        }
    }

    public func addClaimed(_ record: Record) async throws -> Bool {
        let member = try self.member()
        let key = CanonicalURL.canonical(record.url)
        let rows = try await run("add a URL to") { connection in
            // New in the round, queued, or left by a worker whose lease ran out: this worker's,
            // with the document it has in hand.
            try connection.execute(
                """
                INSERT INTO etl_frontier (url, host, round, status, record, worker, lease_until, claims)
                VALUES ($1, $2, $3, 'leased', $4::json, $5, clock_timestamp() + make_interval(secs => $6), 1)
                ON CONFLICT (url) DO UPDATE SET round = excluded.round, status = 'leased', record = excluded.record,
                    worker = excluded.worker, lease_until = excluded.lease_until, claims = etl_frontier.claims + 1
                WHERE etl_frontier.round < excluded.round
                   OR (etl_frontier.status = 'queued' OR (etl_frontier.status = 'leased' AND etl_frontier.lease_until < clock_timestamp()))
                   OR (etl_frontier.status = 'leased' AND etl_frontier.worker = excluded.worker)
                RETURNING url
                """,
                [key, Self.host(of: key), String(member.round), Self.json(of: record).jsonText(), member.worker, String(Self.seconds(member.lease))])
        }
        return !rows.rows.isEmpty
    }

    public func claim(limit: Int) async throws -> [Record] {
        let member = try self.member()
        let rows = try await run("claim URLs from") { connection in
            try connection.execute(
                """
                WITH picked AS (
                    SELECT url FROM etl_frontier
                    WHERE round = $1 AND status <> 'done' AND (status = 'queued' OR lease_until < clock_timestamp())
                    ORDER BY seq LIMIT $2
                    FOR UPDATE SKIP LOCKED
                )
                UPDATE etl_frontier AS f SET status = 'leased', worker = $3,
                    lease_until = clock_timestamp() + make_interval(secs => $4), claims = f.claims + 1
                FROM picked WHERE f.url = picked.url
                RETURNING f.seq, f.record::text
                """, [String(member.round), String(limit), member.worker, String(Self.seconds(member.lease))])
        }
        return rows.rows.compactMap { row -> (Int, Record)? in
            guard row.count == 2, let seq = row[0].flatMap({ Int($0) }), let text = row[1], let record = Self.record(fromJSON: text) else { return nil }
            return (seq, record)
        }.sorted { $0.0 < $1.0 }.map(\.1)
    }

    public func renew() async throws {
        let member = try self.member()
        try await run("renew leases in") { connection in
            try connection.transaction { connection in
                try connection.execute(
                    "UPDATE etl_frontier SET lease_until = clock_timestamp() + make_interval(secs => $2) WHERE worker = $1 AND status = 'leased'",
                    [member.worker, String(Self.seconds(member.lease))])
                try connection.execute("UPDATE etl_workers SET heartbeat = clock_timestamp() WHERE worker = $1", [member.worker])
            }
        }
    }

    public func complete(_ urls: [String], recording entries: [StateEntry]) async throws {
        let member = try self.member()
        let stateRows = PostgresStateStore.rows(of: entries)
        let keys = JSONValue.array(urls.map { .string(PostgresStateStore.text($0)) }).jsonText()
        try await run("complete URLs in") { connection in
            try connection.transaction { connection in
                try PostgresStateStore.upsert(stateRows, on: connection)
                guard !urls.isEmpty else { return }
                let done = try connection.execute(
                    """
                    UPDATE etl_frontier SET status = 'done', worker = NULL, lease_until = NULL, done_at = now()
                    WHERE url IN (SELECT json_array_elements_text($1::json)) AND status <> 'done'
                    """, [keys])
                try connection.execute(
                    "UPDATE etl_workers SET done = done + $2, heartbeat = clock_timestamp() WHERE worker = $1",
                    [member.worker, String(done.affectedRows ?? 0)])
            }
        }
    }

    public func release(_ urls: [String]) async throws {
        let member = try self.member()
        guard !urls.isEmpty else { return }
        let keys = JSONValue.array(urls.map { .string($0) }).jsonText()
        try await run("give URLs back to") { connection in
            try connection.execute(
                """
                UPDATE etl_frontier SET status = 'queued', worker = NULL, lease_until = NULL
                WHERE url IN (SELECT json_array_elements_text($1::json)) AND worker = $2 AND status = 'leased'
                """, [keys, member.worker])
        }
    }

    public func sourcesFinished() async throws {
        let member = try self.member()
        try await run("update a worker in") { connection in
            try connection.execute("UPDATE etl_workers SET sources_finished = true, heartbeat = clock_timestamp() WHERE worker = $1", [member.worker])
        }
    }

    public func isFinished() async throws -> Bool {
        let member = try self.member()
        return try await run("read") { connection in
            try connection.transaction { connection -> Bool in
                let finished =
                    try connection.execute(
                        """
                        SELECT NOT EXISTS (SELECT 1 FROM etl_frontier WHERE round = $1 AND status <> 'done'
                                           AND (status = 'queued' OR worker IS DISTINCT FROM $2))
                           AND NOT EXISTS (SELECT 1 FROM etl_workers WHERE round = $1 AND stopped IS NULL AND NOT sources_finished
                                           AND heartbeat > clock_timestamp() - make_interval(secs => lease_seconds))
                        """, [String(member.round), member.worker]
                    ).scalar == "t"
                // This worker's own leases are its records in flight and outcomes not yet
                // committed: it completes them itself before it ends.
                if finished {
                    try connection.execute("UPDATE etl_rounds SET finished = now() WHERE round = $1 AND finished IS NULL", [String(member.round)])
                }
                return finished
            }
        }
    }

    public func leave() async throws {
        let member = try self.member()
        try await run("update a worker in") { connection in
            try connection.execute("UPDATE etl_workers SET stopped = clock_timestamp(), heartbeat = clock_timestamp() WHERE worker = $1", [member.worker])
        }
    }

    // MARK: Records as rows

    /// What the frontier keeps of a record: what its source gave, not what a fetch adds.
    static func json(of record: Record) -> JSONValue {
        var object: [String: JSONValue] = ["url": .string(record.url), "source": .string(record.source)]
        if let foundIn = record.foundIn { object["foundIn"] = .string(foundIn) }
        if !record.fields.isEmpty { object["fields"] = .object(record.fields) }
        return .object(object)
    }

    /// A record from its row's JSON; nil for JSON that is not one (never written by ``json(of:)``).
    static func record(fromJSON text: String) -> Record? {
        guard let value = try? JSONNodeParser.parse(text).value, case .object(let object) = value,
            case .string(let url) = object["url"], case .string(let source) = object["source"]
        else { return nil }
        var fields: [String: JSONValue] = [:]
        if case .object(let stored) = object["fields"] { fields = stored }
        var foundIn: String?
        if case .string(let text) = object["foundIn"] { foundIn = text }
        return Record(url: url, source: source, fields: fields, foundIn: foundIn)
    }

    /// The host a URL's row is counted under in `etl state`'s view (its authority; `-` for a file).
    static func host(of url: String) -> String {
        URLHost.authority(of: url) ?? "-"
    }

    /// A duration in seconds, as the statements' `make_interval(secs => …)` take it.
    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    private func member() throws -> Membership {
        guard let member = membership.withLock({ $0 }) else {
            throw PostgresStateStoreError.failed(
                action: "use the frontier of", url: redactedURL,
                underlying: PostgresError(.closed, "this worker has not joined the frontier", url: redactedURL))
        }
        return member
    }

    /// Runs `body` on a pooled connection, its errors named by `action`; the result may be
    /// dropped (statements run for their effect).
    @discardableResult
    private func run<T: Sendable>(_ action: String, _ body: @escaping @Sendable (PostgresConnection) throws -> T) async throws(PostgresStateStoreError) -> T {
        do {
            return try await client.withConnection(body)
        } catch {
            throw .failed(action: action, url: redactedURL, underlying: error)
        }
    }
}

extension PostgresFrontier {
    /// What `etl state` shows of the shared work: the last round, its workers and what is queued.
    public func overview(hosts limit: Int = 20) async throws -> FrontierOverview {
        try await run("read") { connection in
            try connection.transaction { connection -> FrontierOverview in
                guard
                    let round = try connection.execute(
                        "SELECT round, extract(epoch FROM started)::float8, extract(epoch FROM finished)::float8 FROM etl_rounds ORDER BY round DESC LIMIT 1"
                    ).rows.first, let number = round[0].flatMap({ Int($0) })
                else { return FrontierOverview(round: nil, workers: [], hosts: []) }
                func date(_ text: String?) -> Date? { text.flatMap(Double.init).map { Date(timeIntervalSince1970: $0) } }
                let counts =
                    try connection.execute(
                        """
                        SELECT count(*) FILTER (WHERE status = 'queued'), count(*) FILTER (WHERE status = 'leased'),
                               count(*) FILTER (WHERE status = 'done'), count(*) FILTER (WHERE claims > 1)
                        FROM etl_frontier WHERE round = $1
                        """, [String(number)]
                    ).rows.first ?? []
                func count(_ index: Int) -> Int { index < counts.count ? counts[index].flatMap { Int($0) } ?? 0 : 0 }
                let workers = try connection.execute(
                    """
                    SELECT w.name, w.worker, extract(epoch FROM w.started)::float8, extract(epoch FROM w.heartbeat)::float8,
                           w.stopped IS NOT NULL, w.heartbeat > clock_timestamp() - make_interval(secs => w.lease_seconds),
                           w.sources_finished, w.done,
                           (SELECT count(*) FROM etl_frontier f WHERE f.worker = w.worker AND f.status = 'leased')
                    FROM etl_workers w WHERE w.round = $1 ORDER BY w.started, w.worker
                    """, [String(number)]
                ).rows.map { row -> FrontierOverview.Worker in
                    let stopped = row[4] == "t"
                    let state: FrontierOverview.Worker.State = stopped ? .stopped : row[5] == "t" ? .alive : .lost
                    return FrontierOverview.Worker(
                        name: row[0] ?? "", id: row[1] ?? "", started: date(row[2]), lastSeen: date(row[3]), state: state,
                        sourcesFinished: row[6] == "t", done: row[7].flatMap { Int($0) } ?? 0, leases: row[8].flatMap { Int($0) } ?? 0)
                }
                let hosts = try connection.execute(
                    """
                    SELECT host, count(*) FILTER (WHERE status = 'queued'), count(*) FILTER (WHERE status = 'leased')
                    FROM etl_frontier WHERE round = $1 AND status <> 'done'
                    GROUP BY host ORDER BY count(*) DESC, host LIMIT $2
                    """, [String(number), String(limit)]
                ).rows.map { row in
                    FrontierOverview.Host(name: row[0] ?? "", queued: row[1].flatMap { Int($0) } ?? 0, leased: row[2].flatMap { Int($0) } ?? 0)
                }
                return FrontierOverview(
                    round: FrontierOverview.Round(
                        number: number, started: date(round[1]), finished: date(round[2]), queued: count(0), leased: count(1), done: count(2),
                        claimedAgain: count(3)),
                    workers: workers, hosts: hosts)
            }
        }
    }
}
