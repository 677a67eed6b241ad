import Synchronization

/// The runner's budget of document bytes in flight (``Pipeline/maxBytesInFlight``).
///
/// A worker waits for ``room()`` before it fetches a record, and holds the document's bytes with
/// ``reserve(_:)`` before the steps run; the writer gives them back with ``release(_:)`` once the
/// record's outcome is written. A reservation is granted while the bytes held stay within the
/// limit, or when nothing is held (a single document larger than the budget runs alone, never
/// waits forever). Waiters are served in order, so a large document is not overtaken for ever by
/// small ones. Waiting ends early when the task is cancelled (the run stops).
///
/// Memory follows page size, not only the number of records: cleaning a page costs libxml2's tree
/// and the analysis, many times the page's bytes. ``PipelineRunner`` therefore bounds the bytes
/// being processed as well as the number of records.
public final class ByteBudget: Sendable {
    /// One worker waiting: for room to start (`bytes` nil) or to hold `bytes`.
    private struct Waiter {
        var id: Int
        var bytes: Int?
        var continuation: CheckedContinuation<Bool, Never>
    }

    private struct State {
        var held = 0
        var nextID = 0
        var waiters: [Waiter] = []
        /// The most bytes held at once, for tests and reports.
        var mostHeld = 0
    }

    /// The bytes that may be held at once.
    public let limit: Int
    private let state = Mutex(State())

    public init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// The bytes held now.
    public var held: Int { state.withLock { $0.held } }
    /// The most bytes held at once so far.
    public var mostHeld: Int { state.withLock { $0.mostHeld } }

    /// Waits until the bytes held are under the limit: no new record starts while the documents in
    /// flight already fill the budget.
    public func room() async {
        _ = await wait(for: nil)
    }

    /// Waits until `bytes` fit (or nothing is held), then holds them. Returns the bytes held, to
    /// be given back with ``release(_:)``: 0 when the task was cancelled while waiting.
    public func reserve(_ bytes: Int) async -> Int {
        let bytes = max(0, bytes)
        return await wait(for: bytes) ? bytes : 0
    }

    /// Gives back bytes that ``reserve(_:)`` held, and lets the waiters that now fit go on.
    public func release(_ bytes: Int) {
        guard bytes > 0 else { return }
        let ready = state.withLock { state -> [CheckedContinuation<Bool, Never>] in
            state.held -= bytes
            return Self.grant(&state, limit: limit)
        }
        for continuation in ready { continuation.resume(returning: true) }
    }

    /// Waits for room or for `bytes`; whether they were granted (false: cancelled).
    private func wait(for bytes: Int?) async -> Bool {
        // The usual case, without suspending.
        let granted = state.withLock { state -> Bool in
            guard state.waiters.isEmpty, Self.fits(bytes, in: state, limit: limit) else { return false }
            Self.hold(bytes, in: &state)
            return true
        }
        if granted { return true }
        let id = state.withLock { state -> Int in
            state.nextID += 1
            return state.nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                // Checked again under the same lock as the queueing: a release in between would
                // otherwise find no one to wake.
                let outcome = state.withLock { state -> Bool? in
                    if Task.isCancelled { return false }
                    if state.waiters.isEmpty, Self.fits(bytes, in: state, limit: limit) {
                        Self.hold(bytes, in: &state)
                        return true
                    }
                    state.waiters.append(Waiter(id: id, bytes: bytes, continuation: continuation))
                    return nil
                }
                if let outcome { continuation.resume(returning: outcome) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> Waiter? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index)
            }
            waiter?.continuation.resume(returning: false)
        }
    }

    /// Whether a waiter may go on: room under the limit, or `bytes` within it, or nothing held.
    private static func fits(_ bytes: Int?, in state: State, limit: Int) -> Bool {
        guard let bytes else { return state.held < limit }
        return state.held == 0 || state.held + bytes <= limit
    }

    private static func hold(_ bytes: Int?, in state: inout State) {
        state.held += bytes ?? 0
        state.mostHeld = max(state.mostHeld, state.held)
    }

    /// Removes the waiters at the head of the line that fit now, holding their bytes.
    private static func grant(_ state: inout State, limit: Int) -> [CheckedContinuation<Bool, Never>] {
        var ready: [CheckedContinuation<Bool, Never>] = []
        while let first = state.waiters.first, fits(first.bytes, in: state, limit: limit) {
            state.waiters.removeFirst()
            hold(first.bytes, in: &state)
            ready.append(first.continuation)
        }
        return ready
    }
}
