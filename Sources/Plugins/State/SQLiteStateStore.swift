import ETLKit
import Foundation
import GRDB

/// The SQLite ``StateStore``: one table `urls`, keyed by canonical URL, in WAL mode.
///
/// Columns: `url TEXT PRIMARY KEY`, `status` (`done` or `failed`), `attempts`, `lastFetch` (GRDB's
/// date text, UTC), `etag`, `lastModified`, `contentHash`. Each ``record(_:)`` is its own
/// transaction with `synchronous = NORMAL`, so a killed run keeps every outcome recorded before it;
/// lookups from many workers read concurrently (a `DatabasePool`).
public final class SQLiteStateStore: StateStore {
    public let path: String
    private let database: DatabasePool

    /// Counts for `etl state`.
    public struct Counts: Sendable, Equatable {
        public var done: Int
        public var failed: Int
        public var total: Int { done + failed }
        /// The latest `lastFetch`, nil when the store is empty.
        public var lastFetch: Date?
    }

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
            try database.write { database in
                try database.execute(sql: """
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
        guard let row else { return nil }
        let status: String = row["status"]
        return StateEntry(url: row["url"], status: StateEntry.Status(rawValue: status) ?? .failed, attempts: row["attempts"],
                          lastFetch: row["lastFetch"], etag: row["etag"], lastModified: row["lastModified"], contentHash: row["contentHash"])
    }

    public func record(_ entry: StateEntry) async throws {
        do {
            try await database.write { database in
                try database.execute(sql: """
                    INSERT INTO urls (url, status, attempts, lastFetch, etag, lastModified, contentHash) VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(url) DO UPDATE SET status = excluded.status, attempts = excluded.attempts,
                    lastFetch = excluded.lastFetch, etag = excluded.etag, lastModified = excluded.lastModified,
                    contentHash = excluded.contentHash
                    """, arguments: [entry.url, entry.status.rawValue, entry.attempts, entry.lastFetch,
                                     entry.etag, entry.lastModified, entry.contentHash])
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
