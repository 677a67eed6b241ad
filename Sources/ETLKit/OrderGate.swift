import Synchronization

/// Lets records into an order-sensitive step (``PluginDescriptor/isOrderSensitive``: `dedup`,
/// where the first copy survives) in the order their source sent them, whatever order the
/// concurrent workers finish the steps before it in.
///
/// The sources number each record when they admit it (``register()``) and say when a worker has
/// taken it (``delivered(_:)``). A record waits at the step while a record numbered before it is
/// in a worker and has not passed the step or left the pipeline (``resolve(_:)``). Records not yet
/// taken by a worker are not waited for: every record waited for is in a worker and moves on, so
/// the wait cannot dead-lock, and one source's records (each sent only after the one before was
/// taken) reach the step in the source's order. The records of several sources at once come in
/// the order the sources happened to send them.
final class OrderGate: Sendable {
    private struct State {
        var next = 0
        /// Records numbered and not resolved: true once a worker has taken them.
        var inWorker: [Int: Bool] = [:]
        var waiters: [(ordinal: Int, continuation: CheckedContinuation<Void, Never>)] = []

        /// Whether a record numbered before `ordinal` is in a worker, unresolved.
        func mustWait(_ ordinal: Int) -> Bool {
            inWorker.contains { $0.key < ordinal && $0.value }
        }

        /// Removes and returns the waiters that may go on now.
        mutating func ready() -> [CheckedContinuation<Void, Never>] {
            var going: [CheckedContinuation<Void, Never>] = []
            var staying: [(ordinal: Int, continuation: CheckedContinuation<Void, Never>)] = []
            for waiter in waiters {
                if mustWait(waiter.ordinal) { staying.append(waiter) } else { going.append(waiter.continuation) }
            }
            waiters = staying
            return going
        }
    }

    private let state = Mutex(State())

    init() {}

    /// The next record's number, in the order the sources admit them.
    func register() -> Int {
        state.withLock { state in
            defer { state.next += 1 }
            state.inWorker[state.next] = false
            return state.next
        }
    }

    /// A worker has taken the record.
    func delivered(_ ordinal: Int) {
        state.withLock { state in
            if state.inWorker[ordinal] != nil { state.inWorker[ordinal] = true }
        }
    }

    /// Waits until no record numbered before this one is in a worker short of the step. A worker
    /// resolves every record it takes, on every path, so the wait always ends.
    func wait(_ ordinal: Int) async {
        if state.withLock({ !$0.mustWait(ordinal) }) { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let goNow = state.withLock { state -> Bool in
                if !state.mustWait(ordinal) { return true }
                state.waiters.append((ordinal, continuation))
                return false
            }
            if goNow { continuation.resume() }
        }
    }

    /// The record passed the step, or left the pipeline before it (or was never taken by a worker):
    /// records after it need not wait for it. Calling it again does nothing.
    func resolve(_ ordinal: Int) {
        let going = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard state.inWorker.removeValue(forKey: ordinal) != nil else { return [] }
            return state.ready()
        }
        for continuation in going { continuation.resume() }
    }
}
