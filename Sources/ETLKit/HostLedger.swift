import Foundation

/// Per-host politeness and robots.txt shared by every worker of a pipeline, on one machine or many
/// (the PostgreSQL state keeps one: ``StateStore/hostLedger``).
///
/// A run's own ``RunServices`` schedule keeps the delay between its own requests; a ledger keeps it
/// between the requests of all workers together. Before a request is sent, its fetcher reserves the
/// host's next start here and waits until then; a Retry-After holds the host for every worker; and
/// a robots.txt one worker read is read by the others from the ledger instead of the site.
///
/// ETLKit only knows this protocol: the `http` fetcher finds the run's ledger among the run's
/// services (``SharedHostLedger``), which the runner fills from the state store.
public protocol HostLedger: Sendable {
    /// Reserves the next request start at `host` for a request that asks to keep `interval` after
    /// it, and returns how long to wait before sending it (zero: now). The reservation is atomic
    /// across workers: two workers never get starts less than the interval apart (nor less than
    /// the interval the previous start asked for). The ledger's own clock decides; time from the
    /// wait's end to the request on the wire is the caller's to allow for (the `http` client adds
    /// its schedule's small margin to the interval).
    func reserveStart(host: String, interval: Duration) async throws -> Duration
    /// Starts no request to `host` for `duration` (a Retry-After), for every worker; an earlier
    /// hold is extended, never shortened.
    func hold(host: String, for duration: Duration) async throws
    /// The robots.txt another worker stored for `origin` and `userAgent` that has not expired, or nil:
    /// then the caller reads the file and stores it (``storeRobots(_:origin:userAgent:)``). A ledger
    /// may have the callers that ask while one reads wait until it stored the file, so that
    /// workers starting together read it once (the PostgreSQL ledger does, for a bounded time).
    func robots(origin: String, userAgent: String) async throws -> StoredRobots?
    /// Stores what a worker read of an origin's robots.txt, for the other workers.
    func storeRobots(_ robots: StoredRobots, origin: String, userAgent: String) async throws
}

/// What a worker read of an origin's robots.txt, as a ``HostLedger`` keeps it for the others.
public struct StoredRobots: Sendable, Equatable {
    /// What reading the file gave.
    public enum Outcome: String, Sendable {
        /// The file was read: ``StoredRobots/text`` holds it.
        case parsed
        /// A 4xx: no rules, everything allowed.
        case allowAll
        /// A 5xx or a network failure: everything disallowed; ``StoredRobots/text`` holds the reason.
        case disallowAll
    }

    public var outcome: Outcome
    /// The file's text for ``Outcome/parsed``, the reason for ``Outcome/disallowAll``.
    public var text: String
    /// When the others stop using it and read the file again.
    public var expires: Date

    public init(outcome: Outcome, text: String, expires: Date) {
        self.outcome = outcome
        self.text = text
        self.expires = expires
    }
}

/// The run's ``HostLedger``, as the run's services hold it: nil when the run has none (a run on
/// its own, or with its state in a file). The runner sets it before any plugin asks:
///
/// ```swift
/// let ledger = context.services.value { SharedHostLedger(nil) }.ledger
/// ```
public struct SharedHostLedger: Sendable {
    public let ledger: (any HostLedger)?

    public init(_ ledger: (any HostLedger)?) {
        self.ledger = ledger
    }
}

/// The run's shared ``Frontier``, as the run's services hold it: nil when the run has none. A
/// source that fetches pages itself to find more (the `crawl` source) claims each page here before
/// it fetches it, so that several workers do not all fetch the same pages to read their links.
public struct SharedFrontier: Sendable {
    public let frontier: (any Frontier)?

    public init(_ frontier: (any Frontier)?) {
        self.frontier = frontier
    }
}
