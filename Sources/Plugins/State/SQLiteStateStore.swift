import ETLKit
import Foundation
import GRDB

/// The SQLite ``StateStore``: one table `urls`, keyed by canonical URL, in WAL mode.
///
/// Columns: `url TEXT PRIMARY KEY`, `status` (`done` or `failed`), `attempts`, `lastFetch` (GRDB's
/// date text, UTC), `etag`, `lastModified`, `contentHash`, and for a failed URL `reason` (the dead
/// letter's) and `permanent` (1 when the failure waits out a ``FailureBackoff``). Each commit
/// of the runner's journal (``record(_:)-([StateEntry])``) is one transaction with `synchronous =
/// NORMAL`, so a killed run keeps every commit before it; lookups from many workers read
/// concurrently (a `DatabasePool`).
///
/// The schema is versioned with GRDB's migrator (``migrator``). Files written before it existed
/// hold the first version's table and no migration record: the first migration creates the table
/// only if it is missing, so such a file takes the later ones (new columns) and keeps its URLs. A
/// failed URL of such a file has no reason and counts as a transient failure: tried next run.
public final class SQLiteStateStore: StateStore, InspectableStateStore {
    public let path: String
    private let database: DatabasePool

    /// Counts for `etl state` (the name they had before the PostgreSQL store shared them).
    public typealias Counts = StateCounts

    /// Opens (creating the file, its folder and the table if need be) the store at `path`.
    public init(path: String) throws {
        self.path = path
        do {
            try OutputFile.createParentDirectory(of: path)
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            configuration.prepareDatabase { database in
                try database.execute(sql: "PRAGMA synchronous = NORMAL")
            }
            // A DatabasePool is always in WAL mode.
            database = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(database)
        } catch {
            throw SQLiteStateStoreError(path: path, action: "open", reason: Self.reason(for: error))
        }
    }

    public func entry(for url: String) async throws -> StateEntry? {
        let row: Row?
        do {
            row = try database.read { database in
                try Row.fetchOne(database, sql: "SELECT * FROM urls WHERE url = ?", arguments: [url])
            }
        } catch {
            throw SQLiteStateStoreError(path: path, action: "read", reason: Self.reason(for: error))
        }
        return row.map(Self.entry(from:))
    }

    /// The stored entries with `status` (every entry when nil), by URL.
    public func entries(withStatus status: StateEntry.Status? = nil) async throws -> [StateEntry] {
        do {
            return try await database.read { database in
                let rows: [Row]
                switch status {
                case nil: rows = try Row.fetchAll(database, sql: "SELECT * FROM urls ORDER BY url")
                case .done: rows = try Row.fetchAll(database, sql: "SELECT * FROM urls WHERE status = 'done' ORDER BY url")
                case .failed: rows = try Row.fetchAll(database, sql: "SELECT * FROM urls WHERE status <> 'done' ORDER BY url")
                }
                return rows.map(Self.entry(from:))
            }
        } catch {
            throw SQLiteStateStoreError(path: path, action: "read", reason: Self.reason(for: error))
        }
    }

    /// Removes the entry for a canonical URL, so that the next run fetches it as new; returns
    /// whether there was one.
    @discardableResult
    public func forget(_ url: String) async throws -> Bool {
        do {
            return try await database.write { database in
                try database.execute(sql: "DELETE FROM urls WHERE url = ?", arguments: [url])
                return database.changesCount > 0
            }
        } catch {
            throw SQLiteStateStoreError(path: path, action: "forget a URL in", reason: Self.reason(for: error))
        }
    }

    /// A row of `urls` as an entry. A status other than `done` reads as failed; a failed row without
    /// a reason (written before reasons were kept) as a transient failure.
    private static func entry(from row: Row) -> StateEntry {
        let statusText: String? = row["status"]
        let status = statusText.flatMap(StateEntry.Status.init(rawValue:)) ?? .failed
        var entry = StateEntry(
            url: row["url"], status: status, attempts: row["attempts"], lastFetch: row["lastFetch"],
            etag: row["etag"], lastModified: row["lastModified"], contentHash: row["contentHash"])
        if status == .failed {
            let reason: String? = row["reason"]
            let permanent: Bool? = row["permanent"]
            entry.failure = StateEntry.Failure(reason: reason ?? "", isPermanent: permanent ?? false)
        }
        return entry
    }

    public func record(_ entry: StateEntry) async throws {
        try await record([entry])
    }

    /// One transaction for the whole commit, as the PostgreSQL store: a killed run keeps every
    /// commit before it and none of the one it was in (the sinks replay it without doubles).
    public func record(_ entries: [StateEntry]) async throws {
        guard !entries.isEmpty else { return }
        do {
            try await database.write { database in
                for entry in entries {
                    try database.execute(
                        sql: """
                            INSERT INTO urls (url, status, attempts, lastFetch, etag, lastModified, contentHash, reason, permanent)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                            ON CONFLICT(url) DO UPDATE SET status = excluded.status, attempts = excluded.attempts,
                            lastFetch = excluded.lastFetch, etag = excluded.etag, lastModified = excluded.lastModified,
                            contentHash = excluded.contentHash, reason = excluded.reason, permanent = excluded.permanent
                            """,
                        arguments: [
                            entry.url, entry.status.rawValue, entry.attempts, entry.lastFetch,
                            entry.etag, entry.lastModified, entry.contentHash,
                            entry.failure?.reason, entry.failure?.isPermanent ?? false,
                        ])
                }
            }
        } catch {
            throw SQLiteStateStoreError(path: path, action: "write", reason: Self.reason(for: error))
        }
    }

    public func close() async throws {
        do {
            try database.close()
        } catch {
            throw SQLiteStateStoreError(path: path, action: "close", reason: Self.reason(for: error))
        }
    }

    /// URLs by status and the latest fetch.
    public func counts() async throws -> Counts {
        do {
            return try await database.read { database in
                let done = try Int.fetchOne(database, sql: "SELECT COUNT(*) FROM urls WHERE status = 'done'") ?? 0
                let failed = try Int.fetchOne(database, sql: "SELECT COUNT(*) FROM urls WHERE status <> 'done'") ?? 0
                let last = try Date.fetchOne(database, sql: "SELECT MAX(lastFetch) FROM urls")
                return Counts(done: done, failed: failed, lastFetch: last)
            }
        } catch {
            throw SQLiteStateStoreError(path: path, action: "read", reason: Self.reason(for: error))
        }
    }

    /// Removes every entry; returns how many there were.
    @discardableResult
    public func clear() async throws -> Int {
        do {
            return try await database.write { database in
                try database.execute(sql: "DELETE FROM urls")
                return database.changesCount
            }
        } catch {
            throw SQLiteStateStoreError(path: path, action: "clear", reason: Self.reason(for: error))
        }
    }

    /// The schema's versions, oldest first. Never edit a migration that has shipped: add one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("urls") { database in
            // IF NOT EXISTS: files from before the migrator already have this table.
            try database.execute(
                sql: """
                    CREATE TABLE IF NOT EXISTS urls (
                        url TEXT NOT NULL PRIMARY KEY,
                        status TEXT NOT NULL,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        lastFetch DATETIME NOT NULL,
                        etag TEXT,
                        lastModified TEXT,
                        contentHash TEXT
                    )
                    """)
        }
        migrator.registerMigration("failure reasons") { database in
            try database.execute(sql: "ALTER TABLE urls ADD COLUMN reason TEXT")
            try database.execute(sql: "ALTER TABLE urls ADD COLUMN permanent BOOLEAN NOT NULL DEFAULT 0")
        }
        return migrator
    }

    private static func reason(for error: any Error) -> String {
        if let error = error as? DatabaseError {
            return error.message.map { "\($0) (SQLite error \(error.resultCode.rawValue))" } ?? String(describing: error)
        }
        return String(describing: error)
    }
}

/// Why the SQLite state store failed.
public struct SQLiteStateStoreError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var action: String
    public var reason: String

    public var description: String { "cannot \(action) the state store \(path): \(reason)" }
}
