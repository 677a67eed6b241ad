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
        var continuation: CheckedContinuation<Void, Never>
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

    /// What a send does next: return, hand its element to a waiting receiver, wait under an id,
    /// or stay queued until a receiver takes it.
    private enum SendStep { case done, deliver(CheckedContinuation<Element?, Never>), wait(UInt64), queued }
    /// What a receive does next: end, take a waiting sender's element, wait under an id, or stay
    /// queued until a sender comes.
    private enum ReceiveStep { case end, take(Sender), wait(UInt64), queued }

    private let state = Mutex(State())

    init() {}

    /// Hands `element` to a receiver, waiting for one if none waits. Returns without delivering
    /// when the channel is finished or the task is cancelled.
    func send(_ element: Element) async {
        if Task.isCancelled { return }
        let fast = state.withLock { state -> SendStep in
            if state.finished { return .done }
            if let receiver = state.popReceiver() { return .deliver(receiver.continuation) }
            state.nextID &+= 1
            return .wait(state.nextID)
        }
        let id: UInt64
        switch fast {
        case .done, .queued: return
        case .deliver(let receiver):
            receiver.resume(returning: element)
            return
        case .wait(let waitID): id = waitID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                // Checked again under the lock that queues: a receiver may have come meanwhile.
                let slow = state.withLock { state -> SendStep in
                    if state.cancelledEarly.remove(id) != nil || state.finished { return .done }
                    if let receiver = state.popReceiver() { return .deliver(receiver.continuation) }
                    state.senders.append(Sender(id: id, element: element, continuation: continuation))
                    return .queued
                }
                switch slow {
                case .done, .wait:
                    continuation.resume()
                case .deliver(let receiver):
                    receiver.resume(returning: element)
                    continuation.resume()
                case .queued:
                    break
                }
            }
        } onCancel: {
            let sender = state.withLock { state -> Sender? in
                if let sender = state.removeSender(id) { return sender }
                // Not queued yet (or already taken: then the id is never looked at again).
                state.cancelledEarly.insert(id)
                return nil
            }
            sender?.continuation.resume()
        }
    }

    /// The next element, waiting for a sender if none waits; nil once the channel is finished or
    /// the task is cancelled.
    func next() async -> Element? {
        if Task.isCancelled { return nil }
        let fast = state.withLock { state -> ReceiveStep in
            if let sender = state.popSender() { return .take(sender) }
            if state.finished { return .end }
            state.nextID &+= 1
            return .wait(state.nextID)
        }
        let id: UInt64
        switch fast {
        case .end, .queued: return nil
        case .take(let sender):
            sender.continuation.resume()
            return sender.element
        case .wait(let waitID): id = waitID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Element?, Never>) in
                let slow = state.withLock { state -> ReceiveStep in
                    if state.cancelledEarly.remove(id) != nil { return .end }
                    if let sender = state.popSender() { return .take(sender) }
                    if state.finished { return .end }
                    state.receivers.append(Receiver(id: id, continuation: continuation))
                    return .queued
                }
                switch slow {
                case .end, .wait:
                    continuation.resume(returning: nil)
                case .take(let sender):
                    sender.continuation.resume()
                    continuation.resume(returning: sender.element)
                case .queued:
                    break
                }
            }
        } onCancel: {
            let receiver = state.withLock { state -> Receiver? in
                if let receiver = state.removeReceiver(id) { return receiver }
                state.cancelledEarly.insert(id)
                return nil
            }
            receiver?.continuation.resume(returning: nil)
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
        for sender in senders { sender.continuation.resume() }
        for receiver in receivers { receiver.continuation.resume(returning: nil) }
    }
}
