import Synchronization

/// One worker's side of a shared ``Frontier`` during a run: the records its sources found, added
/// in batches, and the URLs it holds leases on until the journal commits them or the run gives
/// them back.
///
/// Records are added in batches of ``batchSize`` (one round trip for many URLs); what is pending
/// is added whenever the worker claims, so it never waits for work its own sources found, and when
/// the sources end.
final class FrontierWork: Sendable {
    let frontier: any Frontier

    private struct State {
        var pending: [Record] = []
        /// Canonical URLs leased to this worker and not yet committed.
        var held: Set<String> = []
        var sourcesFinished = false
    }

    private let state = Mutex(State())

    /// Records added in one statement at most.
    static let batchSize = 256

    init(_ frontier: any Frontier) {
        self.frontier = frontier
    }

    /// Queues a record found by a source; the batch is added when it is full.
    func add(_ record: Record) async throws {
        let batch: [Record]? = state.withLock { state in
            state.pending.append(record)
            guard state.pending.count >= Self.batchSize else { return nil }
            defer { state.pending.removeAll(keepingCapacity: true) }
            return state.pending
        }
        if let batch { try await frontier.add(batch) }
    }

    /// Adds whatever the sources found that is not added yet.
    func flush() async throws {
        let batch = state.withLock { state in
            defer { state.pending.removeAll(keepingCapacity: true) }
            return state.pending
        }
        if !batch.isEmpty { try await frontier.add(batch) }
    }

    /// Notes URLs leased to this worker.
    func hold(_ urls: some Sequence<String>) {
        state.withLock { $0.held.formUnion(urls) }
    }

    /// Notes URLs whose outcome was committed.
    func drop(_ urls: some Sequence<String>) {
        state.withLock { $0.held.subtract(urls) }
    }

    /// The URLs leased to this worker and not committed.
    var held: [String] {
        state.withLock { Array($0.held) }
    }

    /// Whether this worker's sources have sent everything (and it was added).
    var sourcesFinished: Bool {
        get { state.withLock { $0.sourcesFinished } }
        set { state.withLock { $0.sourcesFinished = newValue } }
    }
}
