import ETLKit
import ETLPostgres
import Foundation

/// How many URLs a state store holds, by status, for `etl state`.
public struct StateCounts: Sendable, Equatable {
    public var done: Int
    public var failed: Int
    public var total: Int { done + failed }
    /// The latest `lastFetch`, nil when the store is empty.
    public var lastFetch: Date?

    public init(done: Int, failed: Int, lastFetch: Date?) {
        self.done = done
        self.failed = failed
        self.lastFetch = lastFetch
    }
}

/// A state store `etl state` can show and edit: the SQLite file and the PostgreSQL tables.
public protocol InspectableStateStore: StateStore {
    /// The stored entries with `status` (every entry when nil), by URL (byte order).
    func entries(withStatus status: StateEntry.Status?) async throws -> [StateEntry]
    /// Removes the entry for a canonical URL, so that the next run fetches it as new; returns
    /// whether there was one.
    @discardableResult
    func forget(_ url: String) async throws -> Bool
    /// Removes every entry; returns how many there were.
    @discardableResult
    func clear() async throws -> Int
    /// URLs by status and the latest fetch.
    func counts() async throws -> StateCounts
}

/// Opens the store a pipeline's `"state"` names (``StateLocation``).
public enum StateStores {
    /// The PostgreSQL store for a `postgres://` or `postgresql://` URL, the SQLite file otherwise.
    public static func open(_ location: String) async throws -> any InspectableStateStore {
        switch StateLocation(location) {
        case .database(let url): return try await PostgresStateStore.open(url: url)
        case .file(let path): return try SQLiteStateStore(path: path)
        }
    }

    /// What messages call the store: the file's path, or the URL with its password as `***`.
    public static func displayName(_ location: String) -> String {
        switch StateLocation(location) {
        case .database(let url): return PostgresURL.redacted(url)
        case .file(let path): return path
        }
    }

    /// libpq's reason when a state URL cannot be read, without I/O (``PluginRegistry/databaseURLProblem``).
    public static func databaseURLProblem(_ url: String) -> String? {
        PostgresURL.problem(with: url)
    }
}
