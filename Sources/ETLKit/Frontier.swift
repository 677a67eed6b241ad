import Foundation

/// The work of a pipeline shared by its workers: every `etl run` of one pipeline file whose state
/// is shared (PostgreSQL: ``StateStore/frontier``), on one machine or many.
///
/// **Rounds.** The frontier holds one row per canonical URL. A worker joins the pipeline's open
/// round, or opens the next one when the last has finished; a URL done in an earlier round is
/// queued again when a source adds it in a new round (a daily run fetches its sitemap's pages again,
/// with the state's conditional requests), and added once per round however many workers' sources
/// find it. A round whose workers were all killed stays open: the next run finishes it.
///
/// **Leases.** A worker claims queued URLs in batches (``claim(limit:)``); a claimed URL is leased to
/// it until the lease runs out, and ``renew()`` (called by the runner well within the lease)
/// extends the leases of everything the worker holds. A URL is done only when the runner's journal
/// is committed (``complete(_:recording:)``), after the sinks flushed it. A worker that dies stops
/// renewing; its URLs are claimed again by another worker once their leases run out, so a page is
/// fetched twice only when its worker died holding it.
///
/// **The end.** A worker stops when nothing in the round is queued or leased and no live worker's
/// sources are still adding (``isFinished()``): it waits for the others, so that a lease left by a
/// dead worker is taken up by one still running.
public protocol Frontier: Sendable {
    /// Joins the pipeline's open round (or opens the next one) as worker `name` (for `etl state`'s
    /// view of the workers), with leases of `lease`.
    func join(as name: String, lease: Duration) async throws
    /// Adds records without a document: each one queued once per round (records whose URL the
    /// round already holds are left out). A record keeps its source's fields, not its document.
    func add(_ records: [Record]) async throws
    /// Adds a record that arrived with its document (a crawl's page, an archive's record), leased
    /// to this worker at once: true when this worker is to process it, false when the round already
    /// holds its URL (another worker has it, or had it). A URL this worker holds already (a
    /// crawl claimed the page before it fetched it) is still its own: true.
    func addClaimed(_ record: Record) async throws -> Bool
    /// Leases at most `limit` queued URLs (or URLs whose lease ran out) to this worker, oldest first.
    func claim(limit: Int) async throws -> [Record]
    /// Extends the leases of every URL this worker holds, and says it is alive.
    func renew() async throws
    /// Marks URLs done in the round and records their state entries, in one transaction: the
    /// runner's journal commit.
    func complete(_ urls: [String], recording entries: [StateEntry]) async throws
    /// Gives URLs this worker claimed but did not process back to the queue (a stopped run).
    func release(_ urls: [String]) async throws
    /// Says that this worker's sources have sent everything.
    func sourcesFinished() async throws
    /// Whether the round is over for this worker: nothing queued, nothing leased to another
    /// worker, and no live worker's sources still running. What this worker holds itself is its
    /// records in flight and outcomes not yet committed, which it completes before it ends.
    /// Closes the round when it is over.
    func isFinished() async throws -> Bool
    /// Leaves the round (the worker is shown as stopped).
    func leave() async throws
}
