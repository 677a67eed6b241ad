import Synchronization

/// A value that tasks share, behind a lock: a ``Mutex`` that closures can capture (a `Mutex` is
/// not copyable, so a local one cannot be handed to a task).
final class SharedState<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) {
        mutex = Mutex(value)
    }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        try mutex.withLock { try body(&$0) }
    }
}
