import CCurl
import ETLKit
import ETLText
import Foundation
import Synchronization

/// What a finished transfer returns: one response. Redirects are not followed here but by the
/// fetcher, hop by hop (see the `http` fetcher), so that each hop passes robots.txt, the host schedule
/// and the address check of its own host.
package struct HTTPTransferResult: Sendable {
    /// The URL requested; the fetcher sets the last hop's when it follows redirects.
    package var finalURL: String
    package var status: Int
    /// The last response's headers in the order received, names in lower case.
    package var headers: [(name: String, value: String)]
    /// Seconds from the moment the transfer was handed to libcurl to the end of the body; time spent
    /// waiting in the client's queue is not included.
    package var totalTime: Double
    /// The body after content decoding.
    package var body: [UInt8]
    /// For a 3xx response with a Location: the absolute URL it points to (`CURLINFO_REDIRECT_URL`,
    /// resolved against the request's URL), whatever its scheme; the fetcher judges it.
    package var redirectURL: String? = nil
    /// Whether the body is only the first bytes of a longer one (a request with a
    /// `truncatingBodyAt` limit).
    package var isTruncated = false
    /// The transfer as bytes on the wire, for a request that records it (`recordingExchange`);
    /// the fetcher adds the hops before it when it follows redirects (first hop first).
    package var exchanges: [HTTPExchange] = []
    /// The header lines as received, until ``CurlMultiClient/get(_:schedule:destination:acceptsAnyMediaType:truncatingBodyAt:headerLines:)``
    /// parses them into ``headers`` on the caller's thread (empty after that).
    package var headerLines = HeaderLines()
}

/// The proxy one request goes through (see ``CurlMultiClient/get(_:host:schedule:ledger:destination:proxy:acceptsAnyMediaType:truncatingBodyAt:headerLines:recordingExchange:)``).
package struct ProxyRoute: Sendable {
    package var proxy: HTTPProxy
    /// A `CURLOPT_RESOLVE` entry (`name:port:address,…`) that pins the target's name to the
    /// addresses the caller checked, for a proxy to which libcurl sends the address (`socks5://`).
    package var pinnedResolve: String?

    package init(proxy: HTTPProxy, pinnedResolve: String? = nil) {
        self.proxy = proxy
        self.pinnedResolve = pinnedResolve
    }
}

/// The header lines of one response, kept as bytes by libcurl's header callback and parsed into
/// names and values later, off the loop thread: the loop thread is the fetch benchmark's busiest
/// (it also does libcurl's and the kernel's work), and making two strings per header there cost it
/// a few per cent. Lines are stored without their line break; the status line is not stored.
package struct HeaderLines: Sendable {
    private var bytes: [UInt8] = []
    /// Where each line ends in ``bytes``.
    private var ends: [Int] = []

    package init() {}

    package var isEmpty: Bool { ends.isEmpty }

    package mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
    }

    package mutating func append(_ line: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: line)
        ends.append(bytes.count)
    }

    /// Calls `body` with each line's bytes, in order.
    private func forEachLine(_ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        bytes.withUnsafeBufferPointer { all in
            var start = 0
            for end in ends {
                body(UnsafeBufferPointer(rebasing: all[start..<end]))
                start = end
            }
        }
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    /// The text of `line[lower..<upper]` without spaces and tabs at either end.
    private static func text(_ line: UnsafeBufferPointer<UInt8>, _ lower: Int, _ upper: Int) -> String {
        var lower = lower
        var upper = upper
        while lower < upper && isSpace(line[lower]) { lower += 1 }
        while upper > lower && isSpace(line[upper - 1]) { upper -= 1 }
        return String(decoding: UnsafeBufferPointer(rebasing: line[lower..<upper]), as: UTF8.self)
    }

    /// Where a header line's name ends (spaces before the colon left out) and its colon is, or nil
    /// for a line without a colon.
    private static func nameEndAndColon(_ line: UnsafeBufferPointer<UInt8>) -> (nameEnd: Int, colon: Int)? {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        var nameEnd = colon
        while nameEnd > 0 && isSpace(line[nameEnd - 1]) { nameEnd -= 1 }
        return (nameEnd, colon)
    }

    /// The headers in the order received, names in lower case, values trimmed; an obsolete folded
    /// continuation line (starting with a space or tab) is joined to the header before it with a
    /// space, and a line without a colon is ignored.
    package func parsed() -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = []
        headers.reserveCapacity(ends.count)
        forEachLine { line in
            if Self.isSpace(line[0]), let previous = headers.indices.last {
                headers[previous].value += " " + Self.text(line, 0, line.count)
                return
            }
            guard let (nameEnd, colon) = Self.nameEndAndColon(line) else { return }
            // Lower case written straight into the string's storage (no array per name).
            let name = String(unsafeUninitializedCapacity: nameEnd) { target in
                for index in 0..<nameEnd {
                    let byte = line[index]
                    target[index] = (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte
                }
                return nameEnd
            }
            headers.append((name: name, value: Self.text(line, colon + 1, line.count)))
        }
        return headers
    }

    /// The value ``parsed()`` gives the last header named `lowercaseName` (ASCII, lower case),
    /// without making the other headers' strings.
    package func lastValue(named lowercaseName: String) -> String? {
        let wanted = Array(lowercaseName.utf8)
        var value: String?
        // Whether the header a continuation line would join is the one wanted.
        var lastIsWanted = false
        var anyHeader = false
        forEachLine { line in
            if Self.isSpace(line[0]), anyHeader {
                if lastIsWanted, let current = value { value = current + " " + Self.text(line, 0, line.count) }
                return
            }
            guard let (nameEnd, colon) = Self.nameEndAndColon(line) else { return }
            anyHeader = true
            lastIsWanted =
                nameEnd == wanted.count
                && (0..<nameEnd).allSatisfy { index in
                    let byte = line[index]
                    return ((byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte) == wanted[index]
                }
            if lastIsWanted { value = Self.text(line, colon + 1, line.count) }
        }
        return value
    }
}

/// An HTTP client on libcurl's multi interface, with its own scheduler for total and per-host limits.
///
/// **Threads.** One dedicated thread runs the multi loop (`curl_multi_perform`, then
/// `curl_multi_poll`), because a blocking poll inside Swift's cooperative pool would starve the pool.
/// Async callers wait on a `CheckedContinuation` that the loop resumes. Every easy handle, and the
/// ``Transfer`` box that C callbacks reach through `CURLOPT_WRITEDATA`/`CURLOPT_HEADERDATA`, is touched
/// by the loop thread only. What callers and the loop share (the queue, slot counts, the cancellation
/// sets) sits in one `Mutex`.
///
/// **Scheduling.** A request waits in the client's FIFO queue until a total slot (`concurrency`)
/// is free and its host's ``HostSchedule`` admits it; only then is it handed to libcurl, so
/// `connectTimeout` and `timeout` never count queue time. Requests for a busy host do not hold
/// back requests for other hosts. The host is the one of the requested URL. Redirects are not
/// followed here: a 3xx comes back with its target in ``HTTPTransferResult/redirectURL``, and the
/// fetcher asks for the next hop as a new request, admitted by that hop's host.
///
/// **Politeness.** The host schedule, which each request brings and which every client of a run
/// shares, holds the per-host limits: `perHost` transfers in progress, at least
/// ``Configuration/delay`` (or the host's Crawl-delay, up to ``Configuration/maxCrawlDelay``)
/// between request starts, and any Retry-After hold. "Start" is the moment libcurl is about to
/// send the request (`CURLOPT_PREREQFUNCTION`), after any connection set-up, so the gaps the server
/// sees are never shorter than the interval.
///
/// **The pipeline's other workers.** A request that brings a ``HostLedgerGate`` with a ledger (a
/// PostgreSQL state), once its schedule admitted it, keeps its slots while a task reserves its
/// start in the ledger (with the interval the schedule counts for it, plus the schedule's margin
/// for the time from the wait's end to the request on the wire) and sleeps until then; only then
/// does the loop hand it to libcurl. Reserving after admission, not before queueing, means the
/// reserved start is the request's real one: a request reserved first and then held back by its
/// own run's schedule (a slow transfer holding `perHost`) would start late, closer to the next
/// worker's start than the interval. A request cancelled during that wait ends when the wait does
/// (the sleep is cut short).
///
/// **Destinations.** Before libcurl opens a socket (`CURLOPT_OPENSOCKETFUNCTION`), the address it
/// resolved is checked with the request's ``DestinationPolicy``: a refused address never gets a
/// connection, whatever spelling of the host or DNS answer led to it.
///
/// **Proxies.** A request with a ``ProxyRoute`` goes through its proxy (`CURLOPT_PROXY`, set on
/// its handle for that transfer only: such a request is never ``Transfer/isPlain``, so its handle
/// is reset before any other request uses it). libcurl then opens sockets to the proxy only, which
/// the user named, so the open-socket check lets them through: checking the target is the
/// caller's (``DestinationPolicy/checkedTarget(url:hostName:)``, before the request is queued).
/// A failure of the proxy itself is ``HTTPFetchError/Code/proxyFailed``.
///
/// **Lifetime.** Nothing happens at initialisation (`etl validate` builds fetchers): the multi
/// handle and the thread are made by the first request. The thread exits once it has been idle for
/// ``Configuration/idleLinger`` (no transfer and nothing queued), dropping its reference to the
/// client, and the next request starts a new one, so an idle client costs no thread and the runner
/// need not call anything at the end of a run. The multi handle, and with it libcurl's cache of open
/// connections, lives as long as the client and is cleaned up in `deinit`.
package final class CurlMultiClient: Sendable {
    /// Settings that apply to every transfer of a client.
    package struct Configuration: Sendable {
        /// Transfers at once, all hosts together.
        package var concurrency = 32
        /// Transfers at once to one host.
        package var perHost = 1
        /// Seconds allowed to connect.
        package var connectTimeout = 10.0
        /// Seconds allowed for a whole transfer.
        package var timeout = 30.0
        /// Body bytes (after content decoding) before the transfer fails.
        package var maxBytes = 20 * 1024 * 1024
        package var userAgent = "etl/0.1 (+https://github.com/etl-project/etl)"
        /// Request headers as `Name: value` lines.
        package var headerLines: [String] = []
        /// Media types (lower case, no parameters) whose body is not worth downloading: a 2xx
        /// response of such a type stops at its first body bytes.
        package var isUnwantedMediaType: @Sendable (String) -> Bool = { _ in false }
        /// How long the loop thread waits for new work before it exits.
        package var idleLinger: Duration = .seconds(2)
        /// Smallest interval between the starts of two requests to one host; zero for none.
        package var delay: Duration = .zero
        /// Longest robots.txt Crawl-delay obeyed; a longer one counts as this.
        package var maxCrawlDelay: Duration = .seconds(30)

        package init() {}
    }

    package let configuration: Configuration
    private let state = Mutex(SharedState())

    package init(configuration: Configuration) {
        self.configuration = configuration
    }

    deinit {
        // The loop thread holds a strong reference while it runs, so no thread uses the handle now.
        if let multi = state.withLock({ $0.multi }) {
            curl_multi_cleanup(multi.pointer)
        }
    }

    /// Fetches `url` with GET (not following redirects) when `schedule` (the run's, shared with its
    /// other clients) lets it start. Throws ``HTTPFetchError`` for a failed transfer (an HTTP error
    /// status is not a failure here) and `CancellationError` when the task is cancelled.
    /// `acceptsAnyMediaType` turns off ``Configuration/isUnwantedMediaType`` for this request (for
    /// robots.txt, which some servers label as a binary type). `headerLines` (`Name: value`) are sent
    /// after the configuration's own, for this request only (conditional requests). `destination`
    /// says which addresses the request may connect to; a refused one fails it with
    /// ``HTTPFetchError/addressRefused(url:address:kind:)``. With `truncatingBodyAt`, a longer body
    /// is not an error: its first bytes up to that limit come back (``HTTPTransferResult/isTruncated``)
    /// and the rest is not downloaded; ``Configuration/maxBytes`` does not apply (robots.txt).
    /// `host`, when the caller has it, is ``HostSchedule/host(of:)`` of `url`. With
    /// `recordingExchange` the result carries the transfer as bytes on the wire
    /// (``HTTPTransferResult/exchanges``): see ``Transfer`` for what changes then. With a `ledger`
    /// that has one (the pipeline's other workers'), the request, once its schedule admitted it,
    /// also waits for the start the ledger reserves (see the type's discussion). With a `proxy`, the
    /// request goes through it and `destination` applies to nothing (see the type's discussion).
    package func get(
        _ url: String, host: String? = nil, schedule: HostSchedule, ledger: HostLedgerGate? = nil, destination: DestinationPolicy,
        proxy: ProxyRoute? = nil, acceptsAnyMediaType: Bool = false, truncatingBodyAt: Int? = nil, headerLines: [String] = [], recordingExchange: Bool = false
    ) async throws -> HTTPTransferResult {
        guard let host = host ?? HostSchedule.host(of: url) else { throw HTTPFetchError.invalidURL(url) }
        try Task.checkCancellation()
        let id = state.withLock { state in
            state.nextID += 1
            state.liveIDs.insert(state.nextID)
            return state.nextID
        }
        var result = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                enqueue(
                    PendingRequest(
                        id: id, url: url, host: host, schedule: schedule, ledger: ledger?.ledger == nil ? nil : ledger, destination: destination,
                        proxy: proxy, acceptsAnyMediaType: acceptsAnyMediaType,
                        truncatingBodyAt: truncatingBodyAt, headerLines: headerLines, recordsExchange: recordingExchange,
                        continuation: continuation))
            }
        } onCancel: {
            cancel(id)
        }
        result.headers = result.headerLines.parsed()
        result.headerLines = HeaderLines()
        return result
    }

    /// Makes the loop look at its queue again (another client of the schedule freed a host slot).
    private func wakeUp() {
        state.withLock { $0.notifyLoop() }
    }

    /// Whether the loop thread is running (for tests and diagnostics).
    package var isLoopRunning: Bool {
        state.withLock { $0.loopIsRunning }
    }

    // MARK: Shared state

    /// A request waiting for a slot.
    fileprivate struct PendingRequest: Sendable {
        var id: UInt64
        var url: String
        /// The request's host as ``HostSchedule`` names it.
        var host: String
        var schedule: HostSchedule
        /// The workers' ledger, when the run has one: admitted, the request waits for its start there.
        var ledger: HostLedgerGate?
        var destination: DestinationPolicy
        /// The proxy the request goes through, if any.
        var proxy: ProxyRoute?
        var acceptsAnyMediaType: Bool
        /// Keep this many body bytes and end the transfer there, successfully; nil: fail over maxBytes.
        var truncatingBodyAt: Int?
        /// Request headers of this request only, after the configuration's.
        var headerLines: [String]
        /// Keep the transfer's bytes as on the wire (``HTTPTransferResult/exchanges``).
        var recordsExchange: Bool
        var continuation: CheckedContinuation<HTTPTransferResult, any Error>
        /// When the ledger's reservation said the request may start (``reserveStart(of:)``), nil
        /// before it was reserved or without a ledger.
        var reservedStart: ContinuousClock.Instant? = nil
        /// How often the request was reserved again because it came too late to its start.
        var lateReservations = 0
    }

    /// The multi handle, shared between the loop thread (which drives it) and callers (which only
    /// call `curl_multi_wakeup`, the one multi function libcurl allows from another thread).
    private struct MultiHandle: @unchecked Sendable {
        var pointer: UnsafeMutableRawPointer
    }

    /// Everything callers and the loop thread share.
    private struct SharedState: Sendable {
        var multi: MultiHandle?
        var loopIsRunning = false
        /// Whether the loop thread is in (or about to enter) `curl_multi_poll`: only then does a
        /// change need `curl_multi_wakeup`, a system call, which at ten thousand requests a second
        /// cost the loop thread a turn per request.
        var loopIsPolling = false
        /// Counts changes the loop must look at (requests queued, cancellations, freed host
        /// slots); the loop does not poll when it moved since the turn began.
        var changes: UInt64 = 0
        var pending: [PendingRequest] = []
        /// Admitted requests whose wait for the ledger's start is over, for the loop to hand to libcurl.
        var reserved: [PendingRequest] = []
        var activeCount = 0
        var nextID: UInt64 = 0
        /// Requests between `get` and their end (result or cancellation).
        var liveIDs: Set<UInt64> = []
        /// Requests handed to libcurl.
        var activeIDs: Set<UInt64> = []
        /// Active requests whose task was cancelled, for the loop to abort.
        var abortRequests: Set<UInt64> = []
        /// Requests cancelled before they reached the queue.
        var cancelledBeforeQueueing: Set<UInt64> = []

        /// Records a change for the loop, waking it if it polls.
        mutating func notifyLoop() {
            changes &+= 1
            if loopIsPolling, let multi { curl_multi_wakeup(multi.pointer) }
        }
    }

    private func enqueue(_ request: PendingRequest) {
        enum Outcome {
            case queued
            case startLoop(MultiHandle)
            case cancelled, unavailable
        }
        let outcome: Outcome = state.withLock { state in
            if state.cancelledBeforeQueueing.remove(request.id) != nil {
                state.liveIDs.remove(request.id)
                return .cancelled
            }
            if state.multi == nil {
                _ = CurlGlobal.initialized  // in case no registry was built
                guard let pointer = curl_multi_init() else {
                    state.liveIDs.remove(request.id)
                    return .unavailable
                }
                // libcurl's default cache of idle connections holds four per transfer in progress
                // *now*: when the load dips for a moment (the workers busy with the last results),
                // it closes the connections over that, and the next requests open them again (the
                // fetch benchmark opened 160 to 390 connections to its one server, curl 66). A
                // fixed size, the default's own at full load, keeps them.
                _ = etl_curl_multi_setopt_long(pointer, CURLMOPT_MAXCONNECTS, 4 * configuration.concurrency)
                state.multi = MultiHandle(pointer: pointer)
            }
            state.pending.append(request)
            if state.loopIsRunning {
                state.notifyLoop()
                return .queued
            }
            guard let multi = state.multi else { return .unavailable }
            state.loopIsRunning = true
            return .startLoop(multi)
        }
        switch outcome {
        case .queued:
            break
        case .startLoop(let multi):
            let thread = Thread { [self] in runLoop(multi.pointer) }
            thread.name = "etl-http"
            thread.start()
        case .cancelled:
            request.continuation.resume(throwing: CancellationError())
        case .unavailable:
            request.continuation.resume(
                throwing: HTTPFetchError.networkFailure(url: request.url, curlCode: -1, message: "libcurl could not create a multi handle"))
        }
    }

    private func cancel(_ id: UInt64) {
        let queued: PendingRequest? = state.withLock { state in
            guard state.liveIDs.contains(id) else { return nil }
            if let index = state.pending.firstIndex(where: { $0.id == id }) {
                state.liveIDs.remove(id)
                return state.pending.remove(at: index)
            }
            if state.activeIDs.contains(id) {
                state.abortRequests.insert(id)
                state.notifyLoop()
            } else {
                state.cancelledBeforeQueueing.insert(id)
            }
            return nil
        }
        queued?.continuation.resume(throwing: CancellationError())
    }

    // MARK: The loop thread

    /// What the loop takes from the shared state in one turn.
    private struct Turn {
        /// Requests to hand to libcurl: admitted, and without a ledger or done waiting for it.
        var admitted: [PendingRequest] = []
        /// Requests admitted that are to reserve their start in the ledger first.
        var reserving: [PendingRequest] = []
        var aborts: Set<UInt64> = []
        var exit = false
        /// The earliest moment a request that waits only for its host's interval may start.
        var nextStart: ContinuousClock.Instant?
        /// ``SharedState/changes`` when the turn began.
        var changes: UInt64 = 0
    }

    /// The loop: admit queued requests into free slots, abort cancelled ones, drive libcurl, finish
    /// completed transfers, poll. Returns once idle for `idleLinger`.
    private func runLoop(_ multi: UnsafeMutableRawPointer) {
        // Transfers by easy handle (for completion messages) and easy handles by request id (for
        // cancellation).
        var transfers: [UnsafeMutableRawPointer: Transfer] = [:]
        var handlesByID: [UInt64: UnsafeMutableRawPointer] = [:]
        // The configuration's request headers as one list for every plain request (``Transfer/isPlain``):
        // libcurl reads the list during a transfer and never copies it, so it lives as long as the
        // loop, longer than any handle that points to it (freed after them, defers run in reverse).
        var plainHeaders: UnsafeMutablePointer<curl_slist>?
        for line in configuration.headerLines { plainHeaders = curl_slist_append(plainHeaders, line) }
        defer { curl_slist_free_all(plainHeaders) }
        // Easy handles of finished transfers, for the next ones: making a handle costs more than
        // reusing one (up to `concurrency` are kept; freed when the loop exits).
        var idleHandles: [IdleHandle] = []
        defer { idleHandles.forEach { curl_easy_cleanup($0.easy) } }
        var idleSince: ContinuousClock.Instant?
        let clock = ContinuousClock()
        // Admitted requests waiting for their ledger start (they hold their slots), by id, and
        // those of them cancelled meanwhile.
        var ledgerWaits: [UInt64: Task<Void, Never>] = [:]
        var abortedInLedgerWait: Set<UInt64> = []

        while true {
            let lingerIsOver = idleSince.map { clock.now - $0 >= configuration.idleLinger } ?? false
            let turn = state.withLock { state in
                var turn = Turn()
                turn.changes = state.changes
                turn.aborts = state.abortRequests
                state.abortRequests.removeAll()
                if state.pending.isEmpty, state.activeCount == 0, lingerIsOver {
                    state.loopIsRunning = false
                    turn.exit = true
                    return turn
                }
                turn.admitted = state.reserved
                state.reserved.removeAll()
                admit(from: &state, into: &turn)
                return turn
            }
            if turn.exit { return }
            for request in turn.reserving {
                ledgerWaits[request.id] = reserveStart(of: request)
            }

            // Whether a slot was freed this turn, so that a waiting request can take it at once.
            var freedSlot = false
            for request in turn.admitted {
                if ledgerWaits.removeValue(forKey: request.id) != nil, abortedInLedgerWait.remove(request.id) != nil {
                    releaseSlot(of: request.id, host: request.host, schedule: request.schedule)
                    request.continuation.resume(throwing: CancellationError())
                    freedSlot = true
                    continue
                }
                if isLate(request, now: clock.now) {
                    var again = request
                    again.lateReservations += 1
                    ledgerWaits[request.id] = reserveStart(of: again)
                    continue
                }
                do {
                    let transfer = try Transfer(request: request, configuration: configuration, idle: idleHandles.popLast(), plainHeaders: plainHeaders)
                    let added = curl_multi_add_handle(multi, transfer.easy)
                    guard added == CURLM_OK else {
                        let message = String(cString: curl_multi_strerror(added))
                        finish(
                            transfer, in: multi, keepingHandleIn: &idleHandles,
                            with: .failure(HTTPFetchError.networkFailure(url: request.url, curlCode: Int(added.rawValue), message: message)), added: false)
                        freedSlot = true
                        continue
                    }
                    transfers[transfer.easy] = transfer
                    handlesByID[request.id] = transfer.easy
                } catch {
                    releaseSlot(of: request.id, host: request.host, schedule: request.schedule)
                    request.continuation.resume(throwing: error)
                    freedSlot = true
                }
            }
            for id in turn.aborts {
                guard let easy = handlesByID.removeValue(forKey: id), let transfer = transfers.removeValue(forKey: easy) else {
                    // Ended when its wait is (the sleep cut short), in a turn to come.
                    if let wait = ledgerWaits[id] {
                        abortedInLedgerWait.insert(id)
                        wait.cancel()
                    }
                    continue
                }
                finish(transfer, in: multi, keepingHandleIn: &idleHandles, with: .failure(CancellationError()))
                freedSlot = true
            }

            var running: Int32 = 0
            curl_multi_perform(multi, &running)

            // Messages point into the handles: read them all before any handle is removed.
            var completed: [(easy: UnsafeMutableRawPointer, code: CURLcode)] = []
            var remaining: Int32 = 0
            while let message = curl_multi_info_read(multi, &remaining) {
                if message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle {
                    completed.append((easy, message.pointee.data.result))
                }
            }
            // Slots are given back for all of them together, then their callers resumed: one lock
            // of the shared state per turn, not one per transfer.
            var finished: [(transfer: Transfer, result: Result<HTTPTransferResult, any Error>)] = []
            for (easy, code) in completed {
                guard let transfer = transfers.removeValue(forKey: easy) else { continue }
                handlesByID[transfer.id] = nil
                let result = transfer.result(for: code)
                curl_multi_remove_handle(multi, transfer.easy)
                if let handle = transfer.close(keepingHandle: idleHandles.count < configuration.concurrency) {
                    idleHandles.append(handle)
                }
                finished.append((transfer, result))
            }
            if !finished.isEmpty {
                freedSlot = true
                state.withLock { state in
                    for (transfer, _) in finished {
                        state.activeCount -= 1
                        state.activeIDs.remove(transfer.id)
                        state.liveIDs.remove(transfer.id)
                    }
                }
                // After the client's lock: the schedule may wake other clients, which take theirs.
                for (transfer, _) in finished { transfer.schedule.release(transfer.host) }
                for (transfer, result) in finished { transfer.continuation.resume(with: result) }
            }

            if transfers.isEmpty, turn.admitted.isEmpty {
                idleSince = idleSince ?? clock.now
            } else {
                idleSince = nil
            }
            // A freed slot goes to a waiting request now, not after the next poll (which could wait
            // up to a second).
            if freedSlot, state.withLock({ !$0.pending.isEmpty }) { continue }
            // libcurl shortens the wait to its own next timeout; a wakeup (new request, cancellation)
            // ends it at once.
            var waitMilliseconds = transfers.isEmpty ? Self.milliseconds(configuration.idleLinger) : 1000
            if let nextStart = turn.nextStart {
                // Rounded up, so the loop does not wake just before the interval ends.
                let untilNext = nextStart - clock.now
                waitMilliseconds = min(waitMilliseconds, max(0, Self.milliseconds(untilNext) + 1))
            }
            // Something changed since the turn began (its wakeup was not sent, the loop was not
            // polling): take another turn instead of sleeping through it.
            let mayPoll = state.withLock { state in
                guard state.changes == turn.changes else { return false }
                state.loopIsPolling = true
                return true
            }
            guard mayPoll else { continue }
            curl_multi_poll(multi, nil, 0, Int32(clamping: waitMilliseconds), nil)
            state.withLock { $0.loopIsPolling = false }
        }
    }

    /// Moves queued requests whose total limit and host schedule allow into the turn, oldest first.
    /// A request waiting only for its host's interval or hold sets ``Turn/nextStart``.
    private func admit(from state: inout SharedState, into turn: inout Turn) {
        guard !state.pending.isEmpty, state.activeCount < configuration.concurrency else { return }
        let client = ObjectIdentifier(self)
        let waker: @Sendable () -> Void = { [weak self] in self?.wakeUp() }
        // Hosts already refused this turn: their later requests need not ask again.
        var refusedHosts: Set<String> = []
        var waiting: [PendingRequest] = []
        for request in state.pending {
            guard state.activeCount < configuration.concurrency, !refusedHosts.contains(request.host) else {
                waiting.append(request)
                continue
            }
            let admission = request.schedule.admit(
                request.host, perHost: configuration.perHost, delay: configuration.delay,
                maxCrawlDelay: configuration.maxCrawlDelay, client: client, waker: waker
            )
            switch admission {
            case .start:
                state.activeCount += 1
                state.activeIDs.insert(request.id)
                if request.ledger != nil {
                    turn.reserving.append(request)
                } else {
                    turn.admitted.append(request)
                }
            case .busy:
                refusedHosts.insert(request.host)
                waiting.append(request)
            case .wait(let earliest):
                refusedHosts.insert(request.host)
                turn.nextStart = min(turn.nextStart ?? earliest, earliest)
                waiting.append(request)
            }
        }
        state.pending = waiting
    }

    /// For an admitted request (holding its slots): reserves its start in the ledger with the
    /// interval the schedule counts for it (plus the schedule's margin, for the time between the
    /// wait's end and the request on the wire), waits until then, and gives it back to the loop.
    ///
    /// **A request that comes late to its start** is reserved again rather than sent: the next
    /// worker's reservation counts from this one's start, so a request sent well after it (a sleep
    /// woken late, a loop turn delayed on a loaded machine) would reach the host closer than the
    /// delay to that worker's. Late means more than half the margin after the start (the other
    /// half covers the time to the wire); checked when the sleep ends and again when the loop
    /// takes the request (``isLate(_:now:)``), at most ``maximumLateReservations`` times.
    private func reserveStart(of request: PendingRequest) -> Task<Void, Never> {
        let interval = request.schedule.interval(of: request.host, delay: configuration.delay, maxCrawlDelay: configuration.maxCrawlDelay)
        let reserved = interval > .zero ? interval + HostSchedule.margin(for: interval) : .zero
        let lateness = HostSchedule.margin(for: interval) / 2
        return Task { [self] in
            let clock = ContinuousClock()
            var request = request
            while true {
                let wait = await request.ledger?.reserveStart(host: request.host, interval: reserved) ?? .zero
                let start = clock.now + wait
                if wait > .zero { try? await Task.sleep(until: start, clock: clock) }
                request.reservedStart = start
                guard reserved > .zero, clock.now - start > lateness, request.lateReservations < Self.maximumLateReservations, !Task.isCancelled
                else { break }
                request.lateReservations += 1
            }
            state.withLock { [request] state in
                state.reserved.append(request)
                state.notifyLoop()
            }
        }
    }

    /// How often a request that came late to its reserved start is reserved again before it is
    /// sent anyway (a machine so loaded that every wake-up is late would otherwise never send).
    static let maximumLateReservations = 3

    /// Whether `request`, reserved in the ledger, is taken by the loop more than half its margin
    /// after its reserved start, and may be reserved again (``reserveStart(of:)``).
    private func isLate(_ request: PendingRequest, now: ContinuousClock.Instant) -> Bool {
        guard let start = request.reservedStart, request.lateReservations < Self.maximumLateReservations else { return false }
        let interval = request.schedule.interval(of: request.host, delay: configuration.delay, maxCrawlDelay: configuration.maxCrawlDelay)
        guard interval > .zero else { return false }
        return now - start > HostSchedule.margin(for: interval) / 2
    }

    /// Removes a transfer from libcurl, frees it (keeping its easy handle in `idleHandles` while
    /// there are fewer than `concurrency`), releases its slots and resumes its caller.
    private func finish(
        _ transfer: Transfer, in multi: UnsafeMutableRawPointer, keepingHandleIn idleHandles: inout [IdleHandle],
        with result: Result<HTTPTransferResult, any Error>, added: Bool = true
    ) {
        if added { curl_multi_remove_handle(multi, transfer.easy) }
        if let handle = transfer.close(keepingHandle: idleHandles.count < configuration.concurrency) {
            idleHandles.append(handle)
        }
        releaseSlot(of: transfer.id, host: transfer.host, schedule: transfer.schedule)
        transfer.continuation.resume(with: result)
    }

    private func releaseSlot(of id: UInt64, host: String, schedule: HostSchedule) {
        state.withLock { state in
            state.activeCount -= 1
            state.activeIDs.remove(id)
            state.liveIDs.remove(id)
        }
        // After the client's lock: the schedule may wake other clients, which take theirs.
        schedule.release(host)
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds) * 1000 + Int(duration.components.attoseconds / 1_000_000_000_000_000)
    }
}

// MARK: - Transfer

/// An easy handle between two transfers.
private struct IdleHandle {
    var easy: UnsafeMutableRawPointer
    /// Whether the handle still holds every option of a plain request (``Transfer/isPlain``), so
    /// that the next plain request sets only its URL and its own pointers; otherwise it was reset
    /// (`curl_easy_reset`) and the next request sets everything.
    var isConfigured: Bool
}

/// One transfer's easy handle and the state its C callbacks fill. Used by the loop thread only; the
/// callbacks find it through `Unmanaged` pointers in `CURLOPT_WRITEDATA` and `CURLOPT_HEADERDATA`, and
/// the loop's dictionary keeps it alive until ``close()``.
///
/// **Recording the exchange** (the `warc` sink archives it): libcurl is asked not to undo the
/// transfer and content codings (`CURLOPT_HTTP_TRANSFER_DECODING` and `…_CONTENT_DECODING` off; it
/// still reads the chunk sizes to find the body's end), so the body arrives as it came over the
/// wire and is kept so; the fetcher gets it decoded by ``HTTPBodyDecoding``. Only the codings that
/// does are offered (`Accept-Encoding: gzip, deflate`, not br or zstd), and HTTP/1.1 is asked for,
/// so that the archived status line and header fields are HTTP/1.1 text as WARC readers expect
/// (HTTP/2 has no such text). The request is taken from libcurl's debug callback
/// (`CURLINFO_HEADER_OUT`: the bytes it sent), the status line and header fields from the header
/// callback, the address from `CURLINFO_PRIMARY_IP`. `maxBytes` counts the bytes received, and
/// once more the decoded ones.
private final class Transfer {
    let id: UInt64
    let url: String
    let host: String
    let schedule: HostSchedule
    let continuation: CheckedContinuation<HTTPTransferResult, any Error>
    let easy: UnsafeMutableRawPointer
    /// Allocated, not an array passed with `&`: libcurl keeps the pointer for the handle's life.
    private let errorBuffer: UnsafeMutablePointer<CChar>
    /// The header lines of a request that is not plain, owned by the transfer.
    private var headerList: UnsafeMutablePointer<curl_slist>?
    /// The header list the request sends: ``headerList``, or for a plain one the loop's.
    private let requestHeaders: UnsafeMutablePointer<curl_slist>?
    /// The body limit: over it the transfer fails, or with `truncatesBody` ends with the body cut.
    private let maxBytes: Int
    private let truncatesBody: Bool
    private var isTruncated = false
    private let isUnwantedMediaType: @Sendable (String) -> Bool
    /// Called just before the request is sent: the moment the host's next interval counts from.
    fileprivate func onRequestStart() {
        schedule.markStarted(host)
        if recordsExchange { requestedAt = Date() }
    }
    fileprivate let destination: DestinationPolicy
    /// The proxy of the transfer, if any.
    private let proxy: ProxyRoute?
    /// The `CURLOPT_RESOLVE` list of a proxied transfer that pins its target's addresses.
    private var resolveList: UnsafeMutablePointer<curl_slist>?
    /// The address the policy refused, if any (libcurl may then try another of the host's).
    fileprivate var refusedAddress: (address: DestinationPolicy.Address, kind: DestinationPolicy.Kind)?

    private var body: [UInt8] = []
    /// The last response's header lines.
    private var headerLines = HeaderLines()
    /// Whether the transfer's bytes are kept as on the wire (see the type's discussion).
    let recordsExchange: Bool
    /// With ``recordsExchange``: the request as sent, the last response's status line and header
    /// fields as received (with their line breaks), and when the request was sent.
    private var requestBytes: [UInt8] = []
    private var responseHead: [UInt8] = []
    private var requestedAt = Date()
    /// The status of the last status line seen.
    private var lastStatus = 0
    private var bodyStarted = false
    private var exceededMaxBytes = false
    private var rejectedMediaType: String?
    private var isClosed = false

    /// A request with no header lines of its own and the configuration's body limit: most of them.
    /// Its options are the same as every other plain request's of the client but for the URL, so
    /// a handle that served one keeps them for the next (``IdleHandle/isConfigured``): resetting a
    /// handle and setting its fifteen options again, libcurl copying each string, cost the loop
    /// thread a few per cent in the fetch benchmark.
    let isPlain: Bool

    /// `idle`: a handle to reuse (``close(keepingHandle:)``), or nil for a new one. `plainHeaders`:
    /// the configuration's header lines as a list the loop keeps, for a plain request.
    init(
        request: CurlMultiClient.PendingRequest, configuration: CurlMultiClient.Configuration, idle: IdleHandle?,
        plainHeaders: UnsafeMutablePointer<curl_slist>?
    ) throws {
        guard let easy = idle?.easy ?? curl_easy_init() else {
            throw HTTPFetchError.networkFailure(url: request.url, curlCode: -1, message: "libcurl could not create an easy handle")
        }
        self.id = request.id
        self.url = request.url
        self.host = request.host
        self.schedule = request.schedule
        self.continuation = request.continuation
        self.easy = easy
        self.errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        self.errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        self.maxBytes = request.truncatingBodyAt ?? configuration.maxBytes
        self.truncatesBody = request.truncatingBodyAt != nil
        if request.acceptsAnyMediaType {
            self.isUnwantedMediaType = { _ in false }
        } else {
            self.isUnwantedMediaType = configuration.isUnwantedMediaType
        }
        // Through a proxy, the only sockets are the proxy's, which the user named.
        self.destination = request.proxy == nil ? request.destination : DestinationPolicy(hostIsAllowed: true)
        self.proxy = request.proxy
        if let entry = request.proxy?.pinnedResolve { resolveList = curl_slist_append(nil, entry) }
        recordsExchange = request.recordsExchange
        isPlain = request.headerLines.isEmpty && request.truncatingBodyAt == nil && !request.recordsExchange && request.proxy == nil
        if isPlain {
            requestHeaders = plainHeaders
        } else {
            for line in configuration.headerLines + request.headerLines {
                headerList = curl_slist_append(headerList, line)
            }
            requestHeaders = headerList
        }
        do {
            if isPlain, idle?.isConfigured == true {
                try configureTransfer()
            } else {
                try configure(configuration)
            }
        } catch {
            close()
            throw error
        }
    }

    /// Sets what differs between two plain requests on a handle configured for them: the URL, the
    /// error buffer and the pointers the callbacks get (this transfer).
    private func configureTransfer() throws {
        var failure = CURLE_OK
        func set(_ code: CURLcode) {
            if failure == CURLE_OK, code != CURLE_OK { failure = code }
        }
        let context = UnsafeRawPointer(Unmanaged.passUnretained(self).toOpaque())
        set(etl_curl_easy_setopt_string(easy, CURLOPT_URL, url))
        set(etl_curl_easy_setopt_pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer))
        set(etl_curl_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, context))
        set(etl_curl_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, context))
        set(etl_curl_easy_setopt_pointer(easy, CURLOPT_PREREQDATA, context))
        set(etl_curl_easy_setopt_pointer(easy, CURLOPT_OPENSOCKETDATA, context))
        guard failure == CURLE_OK else {
            throw HTTPFetchError.networkFailure(
                url: url, curlCode: Int(failure.rawValue), message: "cannot configure the transfer: " + String(cString: curl_easy_strerror(failure)))
        }
    }

    /// Sets the handle's options, then this transfer's (``configureTransfer()``). libcurl copies
    /// string options, so temporary C strings are enough.
    private func configure(_ configuration: CurlMultiClient.Configuration) throws {
        var failure = CURLE_OK
        func set(_ code: CURLcode) {
            if failure == CURLE_OK, code != CURLE_OK { failure = code }
        }
        set(etl_curl_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1))
        set(etl_curl_easy_setopt_string(easy, CURLOPT_PROTOCOLS_STR, "http,https"))
        // Redirects are the fetcher's to follow, each hop checked like a first request.
        set(etl_curl_easy_setopt_long(easy, CURLOPT_FOLLOWLOCATION, 0))
        // "" asks for every content encoding this libcurl can decode (gzip, deflate, br, zstd).
        set(etl_curl_easy_setopt_string(easy, CURLOPT_ACCEPT_ENCODING, ""))
        set(etl_curl_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(configuration.connectTimeout)))
        set(etl_curl_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, Self.milliseconds(configuration.timeout)))
        // Rejects a declared Content-Length over the limit before any byte; the write callback
        // enforces the limit for chunked and compressed bodies.
        if !truncatesBody {
            set(etl_curl_easy_setopt_offset(easy, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(maxBytes)))
        }
        set(etl_curl_easy_setopt_string(easy, CURLOPT_USERAGENT, configuration.userAgent))
        if let proxy {
            // For this transfer only: the handle is reset before another request uses it.
            set(etl_curl_easy_setopt_string(easy, CURLOPT_PROXY, proxy.proxy.url))
            // The environment's no_proxy does not send a request around the proxies the user listed.
            set(etl_curl_easy_setopt_string(easy, CURLOPT_NOPROXY, ""))
            // An HTTP proxy's answer to CONNECT is not the site's response.
            set(etl_curl_easy_setopt_long(easy, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1))
            if let resolveList { set(etl_curl_easy_setopt_pointer(easy, CURLOPT_RESOLVE, resolveList)) }
        } else if !Self.environmentNamesProxy {
            // What libcurl would find in the environment anyway (no proxy), said once here.
            set(etl_curl_easy_setopt_string(easy, CURLOPT_PROXY, ""))
            set(etl_curl_easy_setopt_string(easy, CURLOPT_NOPROXY, ""))
        }
        if let requestHeaders {
            set(etl_curl_easy_setopt_pointer(easy, CURLOPT_HTTPHEADER, requestHeaders))
        }
        set(
            etl_curl_easy_setopt_data_callback(easy, CURLOPT_WRITEFUNCTION) { data, size, count, context in
                guard let context else { return 0 }
                let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
                return transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: size * count))
            })
        set(
            etl_curl_easy_setopt_data_callback(easy, CURLOPT_HEADERFUNCTION) { data, size, count, context in
                guard let context else { return 0 }
                let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
                transfer.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: size * count))
                return size * count
            })
        // The shim has no typed wrapper for this callback's signature: a C function pointer passes
        // through `void *` unchanged on every platform Swift runs on (POSIX requires it for dlsym).
        let prerequest: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<CChar>?, UnsafeMutablePointer<CChar>?, Int32, Int32) -> Int32 = {
            context, _, _, _, _ in
            guard let context else { return 0 }  // CURL_PREREQFUNC_OK
            Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue().onRequestStart()
            return 0
        }
        set(etl_curl_easy_setopt_pointer(easy, CURLOPT_PREREQFUNCTION, unsafeBitCast(prerequest, to: UnsafeRawPointer.self)))
        // Every connection's address, after DNS, passes the destination policy before its socket exists.
        let openSocket: @convention(c) (UnsafeMutableRawPointer?, curlsocktype, UnsafeMutablePointer<curl_sockaddr>?) -> curl_socket_t = {
            context, _, address in
            guard let context, let address else { return CURL_SOCKET_BAD }
            return Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue().openSocket(address)
        }
        set(etl_curl_easy_setopt_pointer(easy, CURLOPT_OPENSOCKETFUNCTION, unsafeBitCast(openSocket, to: UnsafeRawPointer.self)))
        if recordsExchange {
            set(etl_curl_easy_setopt_long(easy, CURLOPT_HTTP_TRANSFER_DECODING, 0))
            set(etl_curl_easy_setopt_long(easy, CURLOPT_HTTP_CONTENT_DECODING, 0))
            set(etl_curl_easy_setopt_string(easy, CURLOPT_ACCEPT_ENCODING, HTTPBodyDecoding.acceptedCodings))
            set(etl_curl_easy_setopt_long(easy, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_1_1)))
            // The debug callback sees the request's bytes; libcurl calls it only when verbose.
            let debug: @convention(c) (UnsafeMutableRawPointer?, curl_infotype, UnsafeMutablePointer<CChar>?, Int, UnsafeMutableRawPointer?) -> Int32 = {
                _, type, data, size, context in
                guard type == CURLINFO_HEADER_OUT, let context, let data else { return 0 }
                Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue().receiveRequestBytes(UnsafeRawBufferPointer(start: data, count: size))
                return 0
            }
            set(etl_curl_easy_setopt_pointer(easy, CURLOPT_DEBUGFUNCTION, unsafeBitCast(debug, to: UnsafeRawPointer.self)))
            set(etl_curl_easy_setopt_pointer(easy, CURLOPT_DEBUGDATA, UnsafeRawPointer(Unmanaged.passUnretained(self).toOpaque())))
            set(etl_curl_easy_setopt_long(easy, CURLOPT_VERBOSE, 1))
        }
        guard failure == CURLE_OK else {
            throw HTTPFetchError.networkFailure(
                url: url, curlCode: Int(failure.rawValue), message: "cannot configure the transfer: " + String(cString: curl_easy_strerror(failure)))
        }
        try configureTransfer()
    }

    /// Whether any environment variable libcurl reads for a proxy is set. Without CURLOPT_PROXY,
    /// libcurl looks for `no_proxy`, `http_proxy`, `all_proxy` and their kin in the environment at
    /// every transfer (five `getenv` calls, each a scan of the environment: 2% of the loop thread
    /// in the fetch benchmark). When none is set, the transfers are told "no proxy" (an empty
    /// CURLOPT_PROXY and CURLOPT_NOPROXY), which is what libcurl would conclude; when one is, libcurl
    /// reads them itself as before.
    static let environmentNamesProxy: Bool = {
        let names = ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY"]
        return names.contains { getenv($0) != nil }
    }()

    /// The open-socket callback: a socket for an address the destination policy allows, else
    /// `CURL_SOCKET_BAD` (libcurl then tries the host's next address, or fails the transfer).
    func openSocket(_ address: UnsafeMutablePointer<curl_sockaddr>) -> curl_socket_t {
        let family = address.pointee.family
        guard let offset = MemoryLayout<curl_sockaddr>.offset(of: \.addr) else { return CURL_SOCKET_BAD }
        let raw = UnsafeRawPointer(address) + offset
        let bytes: [UInt8]
        if family == AF_INET, address.pointee.addrlen >= UInt32(MemoryLayout<sockaddr_in>.size) {
            bytes = Array(UnsafeRawBufferPointer(start: raw + 4, count: 4))  // sin_family, sin_port, sin_addr
        } else if family == AF_INET6, address.pointee.addrlen >= UInt32(MemoryLayout<sockaddr_in6>.size) {
            bytes = Array(UnsafeRawBufferPointer(start: raw + 8, count: 16))  // …, sin6_flowinfo, sin6_addr
        } else {
            return CURL_SOCKET_BAD  // not an internet address (a Unix socket was never asked for)
        }
        let candidate = DestinationPolicy.Address(bytes: bytes)
        if let kind = destination.refusal(of: candidate) {
            refusedAddress = (candidate, kind)
            return CURL_SOCKET_BAD
        }
        return socket(family, address.pointee.socktype, address.pointee.protocol)
    }

    /// The write callback: appends body bytes; returns fewer bytes than given (so libcurl aborts) once
    /// the body would exceed `maxBytes`, or when a successful response turns out to be binary.
    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        if !bodyStarted {
            bodyStarted = true
            if (200..<300).contains(lastStatus),
                let contentType = headerLines.lastValue(named: "content-type"),
                let mediaType = TextDecoding.mediaType(ofContentType: contentType),
                isUnwantedMediaType(mediaType)
            {
                rejectedMediaType = mediaType
                return 0
            }
        }
        guard body.count + bytes.count <= maxBytes else {
            if truncatesBody {
                body.append(contentsOf: bytes.prefix(maxBytes - body.count))
                isTruncated = true
            } else {
                exceededMaxBytes = true
            }
            return 0
        }
        body.append(contentsOf: bytes)
        return bytes.count
    }

    /// The debug callback's request bytes (``recordsExchange`` only). A request sent again (libcurl
    /// retries on a reused connection that turned out closed) replaces the one before.
    func receiveRequestBytes(_ bytes: UnsafeRawBufferPointer) {
        if requestBytes.count >= 4, requestBytes.suffix(4).elementsEqual([0x0D, 0x0A, 0x0D, 0x0A]) { requestBytes.removeAll() }
        requestBytes.append(contentsOf: bytes)
    }

    /// The header callback, called once per line. A status line starts a new response (an interim
    /// `100 Continue` has one too), so only the last response's headers are kept.
    func receiveHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        if recordsExchange {
            let isStatusLine = bytes.count >= 5 && bytes.prefix(5).elementsEqual("HTTP/".utf8)
            if isStatusLine { responseHead.removeAll(keepingCapacity: true) }
            responseHead.append(contentsOf: bytes)
        }
        // Parsed on the bytes: libcurl calls this about ten times per response, and Foundation's
        // trimming here took over a third of the client's time in the fetch benchmark.
        var end = bytes.count
        while end > 0 && (bytes[end - 1] == 0x0D || bytes[end - 1] == 0x0A) { end -= 1 }
        guard end > 0 else { return }
        if end >= 5 && bytes[0] == UInt8(ascii: "H") && bytes[1] == UInt8(ascii: "T") && bytes[2] == UInt8(ascii: "T")
            && bytes[3] == UInt8(ascii: "P") && bytes[4] == UInt8(ascii: "/")
        {
            headerLines.removeAll()
            // "HTTP/1.1 200 OK": the status is the run of digits after the first space.
            var index = 0
            while index < end && bytes[index] != 0x20 { index += 1 }
            while index < end && bytes[index] == 0x20 { index += 1 }
            var status = 0
            while index < end, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                status = status * 10 + Int(bytes[index] - 0x30)
                index += 1
            }
            lastStatus = status
            return
        }
        // Names and values are made on the caller's thread (``HeaderLines/parsed()``).
        headerLines.append(UnsafeRawBufferPointer(rebasing: bytes[0..<end]))
    }

    /// The outcome of the finished transfer, from libcurl's code and what the callbacks saw.
    func result(for code: CURLcode) -> Result<HTTPTransferResult, any Error> {
        if let rejectedMediaType {
            return .failure(HTTPFetchError.unsupportedMediaType(url: url, mediaType: rejectedMediaType))
        }
        if code != CURLE_OK, let refusedAddress {
            return .failure(HTTPFetchError.addressRefused(url: url, address: refusedAddress.address.description, kind: refusedAddress.kind.rawValue))
        }
        if exceededMaxBytes || code == CURLE_FILESIZE_EXCEEDED {
            return .failure(HTTPFetchError.tooLarge(url: url, limit: maxBytes))
        }
        // A body cut on purpose ends with the write callback's refusal: a success.
        guard code == CURLE_OK || (isTruncated && code == CURLE_WRITE_ERROR) else {
            let detail = String(cString: errorBuffer)
            var message = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
            var connectStatus = 0
            if let proxy {
                message = proxy.proxy.scrubbing(message)
                etl_curl_easy_getinfo_long(easy, CURLINFO_HTTP_CONNECTCODE, &connectStatus)
                var proxyError = 0
                if code == CURLE_PROXY { etl_curl_easy_getinfo_long(easy, CURLINFO_PROXY_ERROR, &proxyError) }
                if Self.isProxyFailure(code, connectStatus: connectStatus, proxyError: proxyError) {
                    return .failure(
                        HTTPFetchError.proxyFailed(url: url, proxy: proxy.proxy.description, curlCode: Int(code.rawValue), message: message))
                }
            }
            // A tunnel the HTTP proxy refused (CONNECT answered 502) is no broken response.
            if connectStatus == 0, Self.isProtocolViolation(code, socketError: socketError) {
                // libcurl 7.88 says only "Out of memory" when a header line overflows its buffer.
                let explained = code == CURLE_OUT_OF_MEMORY ? "a response header is too large (libcurl: \(message))" : message
                return .failure(HTTPFetchError.protocolViolation(url: url, curlCode: Int(code.rawValue), message: explained))
            }
            switch code {
            case CURLE_OPERATION_TIMEDOUT:
                return .failure(HTTPFetchError.timedOut(url: url, message: message))
            default:
                return .failure(HTTPFetchError.networkFailure(url: url, curlCode: Int(code.rawValue), message: message))
            }
        }
        var status = 0
        etl_curl_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        // Through an HTTP proxy, an http site's request is the proxy's to answer: a 407 is the
        // proxy refusing our credentials (a site has no use for it), not the site's status.
        if let proxy, status == 407 {
            return .failure(
                HTTPFetchError.proxyFailed(
                    url: url, proxy: proxy.proxy.description, curlCode: Int(CURLE_OK.rawValue),
                    message: "the proxy answered 407 Proxy Authentication Required"))
        }
        var totalTime = 0.0
        etl_curl_easy_getinfo_double(easy, CURLINFO_TOTAL_TIME, &totalTime)
        var redirectURL: UnsafeMutablePointer<CChar>?
        if (300..<400).contains(status) {
            etl_curl_easy_getinfo_string(easy, CURLINFO_REDIRECT_URL, &redirectURL)
        }
        var exchanges: [HTTPExchange] = []
        var body = self.body
        if recordsExchange {
            var address: UnsafeMutablePointer<CChar>?
            etl_curl_easy_getinfo_string(easy, CURLINFO_PRIMARY_IP, &address)
            exchanges = [
                HTTPExchange(
                    // Through a proxy, the request's credentials for it are not the site's to archive,
                    // nor is the proxy's address the site's.
                    url: url, request: proxy == nil ? requestBytes : Self.removingProxyHeaders(requestBytes), responseHead: responseHead,
                    responseBody: body, remoteAddress: proxy == nil ? address.map { String(cString: $0) } : nil, requestedAt: requestedAt,
                    receivedAt: Date())
            ]
            // A body cut on purpose (robots.txt) cannot be decoded whole; such requests do not record.
            do {
                body = try HTTPBodyDecoding.decode(
                    body, transferEncoding: headerLines.lastValue(named: "transfer-encoding"),
                    contentEncoding: headerLines.lastValue(named: "content-encoding"), limit: maxBytes)
            } catch .tooLarge {
                return .failure(HTTPFetchError.tooLarge(url: url, limit: maxBytes))
            } catch {
                return .failure(HTTPFetchError.protocolViolation(url: url, curlCode: Int(CURLE_BAD_CONTENT_ENCODING.rawValue), message: error.description))
            }
        }
        return .success(
            HTTPTransferResult(
                // libcurl follows no redirect, so the URL is the one requested (no copy of its own).
                finalURL: url,
                status: status,
                headers: [],
                totalTime: totalTime,
                body: body,
                redirectURL: redirectURL.map { String(cString: $0) },
                isTruncated: isTruncated,
                exchanges: exchanges,
                headerLines: headerLines
            ))
    }

    /// Whether a failed transfer's `code` means the response broke HTTP rather than the network
    /// failing. Measured with libcurl 7.88 against raw responses (see `RetryTests`): a malformed
    /// status line is 1 (`CURLE_UNSUPPORTED_PROTOCOL`) or 8 (`CURLE_WEIRD_SERVER_REPLY`), an
    /// invalid content encoding 61, a header line over libcurl's 100 KiB 27
    /// (`CURLE_OUT_OF_MEMORY`; 100, `CURLE_TOO_LARGE`, from 8.6), and broken chunked encoding 56
    /// (`CURLE_RECV_ERROR`) — the same code as a connection reset. A reset comes with the socket's
    /// errno (`CURLINFO_OS_ERRNO`, ECONNRESET), a protocol error with none: 56 and 55
    /// (`CURLE_SEND_ERROR`) are violations only without a socket error.
    static func isProtocolViolation(_ code: CURLcode, socketError: Int) -> Bool {
        switch code {
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_WEIRD_SERVER_REPLY, CURLE_BAD_CONTENT_ENCODING, CURLE_OUT_OF_MEMORY:
            return true
        case CURLE_RECV_ERROR, CURLE_SEND_ERROR:
            return socketError == 0
        default:
            return code.rawValue == 100  // CURLE_TOO_LARGE, libcurl 8.6 and later
        }
    }

    /// Whether a proxied transfer's failure is the proxy's (it is then left out for a while), not
    /// the site's: the proxy's name did not resolve (5), no connection to it (7 before any CONNECT
    /// answer), an HTTP proxy refused our credentials (CONNECT answered 407), or a SOCKS5 failure
    /// (97) other than the proxy's report that it could not reach the site (refused, unreachable,
    /// TTL expired, a general failure as OpenSSH's `-D` reports a refused connection, not allowed
    /// by its rules, a name it could not resolve): `proxyError` is `CURLINFO_PROXY_ERROR`. (An HTTP
    /// proxy's 407 to an http site's request comes as a response: ``result(for:)`` tells it.)
    static func isProxyFailure(_ code: CURLcode, connectStatus: Int, proxyError: Int) -> Bool {
        switch code {
        case CURLE_COULDNT_RESOLVE_PROXY:
            return true
        case CURLE_COULDNT_CONNECT:
            return connectStatus == 0 || connectStatus == 407
        case CURLE_PROXY:
            let siteFailures: [CURLproxycode] = [
                CURLPX_REPLY_CONNECTION_REFUSED, CURLPX_REPLY_HOST_UNREACHABLE, CURLPX_REPLY_NETWORK_UNREACHABLE, CURLPX_REPLY_TTL_EXPIRED,
                CURLPX_REPLY_GENERAL_SERVER_FAILURE, CURLPX_REPLY_NOT_ALLOWED, CURLPX_RESOLVE_HOST, CURLPX_LONG_HOSTNAME,
            ]
            return !siteFailures.contains { Int($0.rawValue) == proxyError }
        default:
            return connectStatus == 407
        }
    }

    /// A request sent to an HTTP proxy (an http URL's, in absolute form) as the site received it:
    /// its request line in origin form (`GET /a HTTP/1.1`, not `GET http://host/a HTTP/1.1`) and
    /// without the proxy's `Proxy-Authorization` and `Proxy-Connection` lines. Other requests are
    /// unchanged.
    static func removingProxyHeaders(_ bytes: [UInt8]) -> [UInt8] {
        var kept: [UInt8] = []
        kept.reserveCapacity(bytes.count)
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != 0x0A { end += 1 }
            let line = bytes[start..<min(end + 1, bytes.count)]
            start = end + 1
            if kept.isEmpty, let originForm = originFormRequestLine(line) {
                kept.append(contentsOf: originForm)
                continue
            }
            let lower = String(decoding: line.prefix(20), as: UTF8.self).lowercased()
            if !(lower.hasPrefix("proxy-authorization:") || lower.hasPrefix("proxy-connection:")) { kept.append(contentsOf: line) }
        }
        return kept
    }

    /// `METHOD scheme://authority/path VERSION` as `METHOD /path VERSION`, or nil for a line not in
    /// absolute form.
    private static func originFormRequestLine(_ line: ArraySlice<UInt8>) -> [UInt8]? {
        let text = String(decoding: line, as: UTF8.self)
        let parts = text.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, let schemeEnd = parts[1].range(of: "://") else { return nil }
        let afterScheme = parts[1][schemeEnd.upperBound...]
        let path = afterScheme.firstIndex(of: "/").map { afterScheme[$0...] } ?? "/"
        return Array("\(parts[0]) \(path) \(parts[2])".utf8)
    }

    /// The errno of the transfer's last socket failure, 0 for none. libcurl never resets it, so
    /// a handle that saw one is not reused (``close(keepingHandle:)``).
    private var socketError: Int {
        var value = 0
        etl_curl_easy_getinfo_long(easy, CURLINFO_OS_ERRNO, &value)
        return value
    }

    /// Frees the handle, or with `keepingHandle` returns it for another transfer, unless it saw a
    /// socket error (``socketError``): after a plain request with its options kept but the
    /// pointers to this transfer and its error buffer cleared, after any other reset
    /// (`curl_easy_reset`: options back to their defaults, connections and caches kept). Then
    /// frees the error buffer and header list it pointed to. Call once the handle is out of the
    /// multi handle.
    @discardableResult
    func close(keepingHandle: Bool = false) -> IdleHandle? {
        guard !isClosed else { return nil }
        isClosed = true
        var kept: IdleHandle?
        // A handle with a socket error would pass it on to its next transfer (libcurl keeps it).
        if keepingHandle && socketError == 0 {
            if isPlain {
                // No pointer to freed memory stays in the handle; the callbacks ignore a nil context.
                _ = etl_curl_easy_setopt_pointer(easy, CURLOPT_ERRORBUFFER, nil)
                _ = etl_curl_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, nil)
                _ = etl_curl_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, nil)
                _ = etl_curl_easy_setopt_pointer(easy, CURLOPT_PREREQDATA, nil)
                _ = etl_curl_easy_setopt_pointer(easy, CURLOPT_OPENSOCKETDATA, nil)
                kept = IdleHandle(easy: easy, isConfigured: true)
            } else {
                curl_easy_reset(easy)
                kept = IdleHandle(easy: easy, isConfigured: false)
            }
        } else {
            curl_easy_cleanup(easy)
        }
        curl_slist_free_all(headerList)
        headerList = nil
        curl_slist_free_all(resolveList)
        resolveList = nil
        errorBuffer.deallocate()
        return kept
    }

    deinit {
        close()
    }

    private static func milliseconds(_ seconds: Double) -> Int {
        Int((seconds * 1000).rounded())
    }
}
