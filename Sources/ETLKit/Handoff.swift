import Synchronization

/// A rendezvous channel between tasks, as the runner uses it: ``send(_:)`` waits until a receiver
/// takes the element, ``next()`` waits until a sender offers one; ``finish()`` ends it.
///
/// The same behaviour as `AsyncChannel` of swift-async-algorithms, which the runner used before,
/// written for the runner's two channels because every record crosses both: `AsyncChannel`'s
/// generic state machine (an `OrderedSet` of suspended producers, a cancellation handler on every
/// call, generic metadata looked up at run time from another module) took a sixth of the worker
/// threads' time in the fetch benchmark. Here an operation that finds its partner waiting takes one
/// lock and suspends nowhere; only an operation that has to wait installs a cancellation handler.
///
/// - Senders are served in order, receivers too.
/// - A cancelled task's `send` returns at once without delivering its element, its `next` returns
///   nil (as `AsyncChannel`'s do), so a task group whose body throws never waits for ever on a
///   child parked in the channel.
/// - After ``finish()``, waiting and later senders return at once (their elements dropped) and
///   receivers get nil.
final class Handoff<Element: Sendable>: Sendable {
    private struct Sender {
        var id: UInt64
        var element: Element
        /// Resumed with true when a receiver took the element, false when it was dropped.
        var continuation: CheckedContinuation<Bool, Never>
    }

    private struct Receiver {
        var id: UInt64
        var continuation: CheckedContinuation<Element?, Never>
    }

    private struct State {
        /// Waiting senders, oldest first from ``sendersHead``.
        var senders: [Sender] = []
        var sendersHead = 0
        var receivers: [Receiver] = []
        var receiversHead = 0
        var finished = false
        var nextID: UInt64 = 0
        /// Waits whose task was cancelled before the wait was queued.
        var cancelledEarly: Set<UInt64> = []

        mutating func popSender() -> Sender? {
            guard sendersHead < senders.count else { return nil }
            let sender = senders[sendersHead]
            sendersHead += 1
            if sendersHead == senders.count {
                senders.removeAll(keepingCapacity: true)
                sendersHead = 0
            }
            return sender
        }

        mutating func popReceiver() -> Receiver? {
            guard receiversHead < receivers.count else { return nil }
            let receiver = receivers[receiversHead]
            receiversHead += 1
            if receiversHead == receivers.count {
                receivers.removeAll(keepingCapacity: true)
                receiversHead = 0
            }
            return receiver
        }

        /// Removes a waiting sender by id (cancellation).
        mutating func removeSender(_ id: UInt64) -> Sender? {
            guard let index = senders[sendersHead...].firstIndex(where: { $0.id == id }) else { return nil }
            return senders.remove(at: index)
        }

        mutating func removeReceiver(_ id: UInt64) -> Receiver? {
            guard let index = receivers[receiversHead...].firstIndex(where: { $0.id == id }) else { return nil }
            return receivers.remove(at: index)
        }
    }

    private let state = Mutex(State())

    init() {}

    // The lock closures below hand their results out through captured variables rather than
    // returning an enum with payloads: the specialised code still went through generic value
    // witnesses and metadata look-ups for such an enum, a few per cent of the worker threads.

    /// Hands `element` to a receiver, waiting for one if none waits. Returns without delivering
    /// when the channel is finished or the task is cancelled; the result says whether a receiver
    /// took the element.
    @discardableResult
    func send(_ element: Element) async -> Bool {
        if Task.isCancelled { return false }
        var receiver: CheckedContinuation<Element?, Never>?
        var waitID: UInt64 = 0
        let isFinished = state.withLock { state -> Bool in
            if state.finished { return true }
            if let waiting = state.popReceiver() {
                receiver = waiting.continuation
            } else {
                state.nextID &+= 1
                waitID = state.nextID
            }
            return false
        }
        if isFinished { return false }
        if let receiver {
            receiver.resume(returning: element)
            return true
        }
        let id = waitID
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                // Checked again under the lock that queues: a receiver may have come meanwhile.
                var receiver: CheckedContinuation<Element?, Never>?
                let isQueued = state.withLock { state -> Bool in
                    if state.cancelledEarly.remove(id) != nil || state.finished { return false }
                    if let waiting = state.popReceiver() {
                        receiver = waiting.continuation
                        return false
                    }
                    state.senders.append(Sender(id: id, element: element, continuation: continuation))
                    return true
                }
                if isQueued { return }
                if let receiver {
                    receiver.resume(returning: element)
                    continuation.resume(returning: true)
                } else {
                    continuation.resume(returning: false)
                }
            }
        } onCancel: {
            let sender = state.withLock { state -> CheckedContinuation<Bool, Never>? in
                if let sender = state.removeSender(id) { return sender.continuation }
                // Not queued yet (or already taken: then the id is never looked at again).
                state.cancelledEarly.insert(id)
                return nil
            }
            sender?.resume(returning: false)
        }
    }

    /// The next element, waiting for a sender if none waits; nil once the channel is finished or
    /// the task is cancelled.
    func next() async -> Element? {
        if Task.isCancelled { return nil }
        var element: Element?
        var sender: CheckedContinuation<Bool, Never>?
        var waitID: UInt64 = 0
        let isFinished = state.withLock { state -> Bool in
            if let waiting = state.popSender() {
                element = waiting.element
                sender = waiting.continuation
                return false
            }
            if state.finished { return true }
            state.nextID &+= 1
            waitID = state.nextID
            return false
        }
        if isFinished { return nil }
        if let sender {
            sender.resume(returning: true)
            return element
        }
        let id = waitID
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Element?, Never>) in
                var element: Element?
                var sender: CheckedContinuation<Bool, Never>?
                let isQueued = state.withLock { state -> Bool in
                    if state.cancelledEarly.remove(id) != nil { return false }
                    if let waiting = state.popSender() {
                        element = waiting.element
                        sender = waiting.continuation
                        return false
                    }
                    if state.finished { return false }
                    state.receivers.append(Receiver(id: id, continuation: continuation))
                    return true
                }
                if isQueued { return }
                sender?.resume(returning: true)
                continuation.resume(returning: element)
            }
        } onCancel: {
            let receiver = state.withLock { state -> CheckedContinuation<Element?, Never>? in
                if let receiver = state.removeReceiver(id) { return receiver.continuation }
                state.cancelledEarly.insert(id)
                return nil
            }
            receiver?.resume(returning: nil)
        }
    }

    /// Ends the channel: waiting receivers get nil, waiting senders return (their elements are
    /// dropped), and so do later calls.
    func finish() {
        let (senders, receivers) = state.withLock { state -> ([Sender], [Receiver]) in
            state.finished = true
            let senders = Array(state.senders[state.sendersHead...])
            let receivers = Array(state.receivers[state.receiversHead...])
            state.senders.removeAll()
            state.sendersHead = 0
            state.receivers.removeAll()
            state.receiversHead = 0
            return (senders, receivers)
        }
        for sender in senders { sender.continuation.resume(returning: false) }
        for receiver in receivers { receiver.continuation.resume(returning: nil) }
    }
}
