import Foundation

/// What a run remembers about one URL between runs, for incremental runs.
///
/// Written by the runner's writer once a record's outcome is final: `done` after every sink wrote
/// it (or a step filtered it out, or it was unchanged), `failed` after it went to the dead letters.
public struct StateEntry: Sendable, Equatable {
    /// How a URL's last run ended.
    public enum Status: String, Sendable {
        /// Written to every sink, filtered out by a step, or found unchanged.
        case done
        /// Sent to the dead-letter sink.
        case failed
    }

    /// The URL in its canonical form (``CanonicalURL/canonical(_:)``): the key. A trailing slash
    /// is part of it (`/news/1/` is not `/news/1`); stores written before it was kept hold such
    /// URLs without it, and those pages are fetched once more as new.
    public var url: String
    public var status: Status
    /// Runs in a row that failed for this URL; 0 once it is done.
    public var attempts: Int
    /// When the URL was last fetched (or found unchanged).
    public var lastFetch: Date
    /// The `ETag` of the last successful response, sent back as `If-None-Match`.
    public var etag: String?
    /// The `Last-Modified` of the last successful response, sent back as `If-Modified-Since`.
    public var lastModified: String?
    /// SHA-256 (hex) of the last successful document's text.
    public var contentHash: String?
    /// Why the last run failed, with a `failed` status; nil with `done`.
    public var failure: Failure?

    /// Why a URL's last run failed, and whether the failure is remembered (see ``FailureClassifying``).
    public struct Failure: Sendable, Equatable {
        /// The dead letter's reason.
        public var reason: String
        /// Whether the same request would fail the same way: the URL waits out a ``FailureBackoff``
        /// before it is asked again. A transient failure is tried again on the next run.
        public var isPermanent: Bool

        public init(reason: String, isPermanent: Bool) {
            self.reason = reason
            self.isPermanent = isPermanent
        }
    }

    public init(
        url: String, status: Status, attempts: Int, lastFetch: Date, etag: String? = nil,
        lastModified: String? = nil, contentHash: String? = nil, failure: Failure? = nil
    ) {
        self.url = url
        self.status = status
        self.attempts = attempts
        self.lastFetch = lastFetch
        self.etag = etag
        self.lastModified = lastModified
        self.contentHash = contentHash
        self.failure = failure
    }
}

/// Where a pipeline keeps its ``StateEntry`` per URL (the pipeline file's `"state"` member).
///
/// ETLKit only knows this protocol; the stores (a SQLite file, PostgreSQL tables: ``StateLocation``)
/// live with the plugins and the command line makes them. The caller opens the store, hands it to
/// ``PipelineRunner``, and closes it after the run. Lookups come from many workers at once;
/// ``record(_:)-(StateEntry)`` and ``record(_:)-([StateEntry])`` from the writer, one at a time.
public protocol StateStore: Sendable {
    /// The entry for a canonical URL, or nil when the URL was never recorded.
    func entry(for url: String) async throws -> StateEntry?
    /// Inserts or replaces the entry for `entry.url`.
    func record(_ entry: StateEntry) async throws
    /// Inserts or replaces every entry, in order (a later entry for a URL wins): one commit of the
    /// runner's journal. A store that can make it one transaction should (the PostgreSQL store
    /// does: one round trip and all or nothing); the default records them one by one.
    func record(_ entries: [StateEntry]) async throws
    /// Releases the store; no call may follow.
    func close() async throws
    /// Politeness and robots.txt shared with the other workers of the pipeline, when the store is
    /// shared by several workers (PostgreSQL); nil for a store of one run (a SQLite file).
    var hostLedger: (any HostLedger)? { get }
    /// The work shared with the other workers of the pipeline, when the store is shared by several
    /// workers (PostgreSQL); nil for a store of one run.
    var frontier: (any Frontier)? { get }
}

extension StateStore {
    /// None: a store of one run.
    public var hostLedger: (any HostLedger)? { nil }
    /// None: a store of one run.
    public var frontier: (any Frontier)? { nil }

    /// One ``record(_:)-(StateEntry)`` per entry, in order.
    public func record(_ entries: [StateEntry]) async throws {
        for entry in entries { try await record(entry) }
    }
}

/// A pipeline's `"state"` member: a SQLite file's path, or a PostgreSQL database's URL.
///
/// Told apart by the scheme alone, so that any other string (a relative path included) stays a
/// file as it always was: a file named `postgres://…` would need `./postgres://…`.
public enum StateLocation: Sendable, Equatable {
    case file(path: String)
    case database(url: String)

    /// The schemes of a database URL, as libpq reads them (case-insensitive).
    public static let databaseSchemes = ["postgres://", "postgresql://"]

    public init(_ text: String) {
        let lowered = text.lowercased()
        self = Self.databaseSchemes.contains { lowered.hasPrefix($0) } ? .database(url: text) : .file(path: text)
    }

    /// Whether `text` is a database URL rather than a file's path.
    public static func isDatabaseURL(_ text: String) -> Bool {
        if case .database = StateLocation(text) { return true }
        return false
    }
}

/// Thrown by a fetcher when a conditional request (``Record/conditional``) was answered
/// `304 Not Modified`: the page has not changed since the run that stored its validators.
///
/// Not a failure: the runner counts the record as skipped and unchanged (``RunSummary/unchanged``),
/// and it goes neither to the steps nor to the dead letters. A fetcher throws it only for a request
/// it made conditional; a 304 to a plain request is an error as before.
public struct NotModified: Error, Sendable, CustomStringConvertible {
    public var url: String
    /// The 304 response, for sinks told about unchanged records (``Sink/writeUnchanged(_:)``);
    /// nil when the fetcher does not give it.
    public var response: Response?

    public init(url: String, response: Response? = nil) {
        self.url = url
        self.response = response
    }

    public var description: String { "\(url) is not modified (HTTP 304)" }
}

/// Validators from the previous fetch of a record's URL, for a conditional request.
public struct ConditionalRequest: Sendable, Equatable {
    /// Sent as `If-None-Match`.
    public var etag: String?
    /// Sent as `If-Modified-Since`.
    public var lastModified: String?

    public init(etag: String? = nil, lastModified: String? = nil) {
        self.etag = etag
        self.lastModified = lastModified
    }
}
