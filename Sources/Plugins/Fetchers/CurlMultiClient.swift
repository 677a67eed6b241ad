import CCurl
import Foundation
import Synchronization

/// What a finished transfer returns: the last response of any redirect chain.
struct HTTPTransferResult: Sendable {
    /// The URL after redirects (`CURLINFO_EFFECTIVE_URL`).
    var finalURL: String
    var status: Int
    /// The last response's headers in the order received, names in lower case.
    var headers: [(name: String, value: String)]
    /// Seconds from the moment the transfer was handed to libcurl to the end of the body; time spent
    /// waiting in the client's queue is not included.
    var totalTime: Double
    /// The body after content decoding.
    var body: [UInt8]
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
/// **Scheduling.** A request waits in the client's FIFO queue until both a total slot
/// (`concurrency`) and a slot for its host (`perHost`) are free; only then is it handed to libcurl,
/// so `connectTimeout` and `timeout` never count queue time. Requests for a busy host do not hold
/// back requests for other hosts. The host is the one of the requested URL; a redirect to another
/// host runs in the first host's slot.
///
/// **Politeness.** A request also waits until its host's minimum interval has passed since the
/// start of the previous request to that host: the larger of ``Configuration/delay`` and the
/// host's own interval (``setMinimumInterval(_:forHost:)``, from a robots.txt Crawl-delay), and
/// until any hold on the host (``holdHost(_:until:)``, from a Retry-After) has ended. "Start" is
/// the moment libcurl is about to send the request (`CURLOPT_PREREQFUNCTION`), after any connection
/// set-up, plus a small ``margin(for:)``, so the gaps the server sees are never shorter than the
/// interval. Hosts are compared by name, without the port. With a delay, `perHost` still bounds
/// the transfers in progress, but requests to a host start at most once per interval. Redirects
/// that libcurl follows within a transfer are not spaced (they count as starts for later requests).
///
/// **Lifetime.** Nothing happens at initialisation (`etl validate` builds fetchers): the multi
/// handle and the thread are made by the first request. The thread exits once it has been idle for
/// ``Configuration/idleLinger`` (no transfer and nothing queued), dropping its reference to the
/// client, and the next request starts a new one, so an idle client costs no thread and the runner
/// need not call anything at the end of a run. The multi handle, and with it libcurl's cache of open
/// connections, lives as long as the client and is cleaned up in `deinit`.
final class CurlMultiClient: Sendable {
    /// Settings that apply to every transfer of a client.
    struct Configuration: Sendable {
        /// Transfers at once, all hosts together.
        var concurrency = 32
        /// Transfers at once to one host.
        var perHost = 1
        /// Seconds allowed to connect.
        var connectTimeout = 10.0
        /// Seconds allowed for a whole transfer, redirects included.
        var timeout = 30.0
        /// Redirects followed before the transfer fails.
        var maxRedirects = 10
        /// Body bytes (after content decoding) before the transfer fails.
        var maxBytes = 20 * 1024 * 1024
        var userAgent = "etl/0.1 (+https://github.com/etl-project/etl)"
        /// Request headers as `Name: value` lines.
        var headerLines: [String] = []
        /// Media types (lower case, no parameters) whose body is not worth downloading: a 2xx
        /// response of such a type stops at its first body bytes.
        var isUnwantedMediaType: @Sendable (String) -> Bool = { _ in false }
        /// How long the loop thread waits for new work before it exits.
        var idleLinger: Duration = .seconds(2)
        /// Smallest interval between the starts of two requests to one host; zero for none.
        var delay: Duration = .zero
    }

    let configuration: Configuration
    private let state = Mutex(SharedState())

    init(configuration: Configuration) {
        self.configuration = configuration
    }

    deinit {
        // The loop thread holds a strong reference while it runs, so no thread uses the handle now.
        if let multi = state.withLock({ $0.multi }) {
            curl_multi_cleanup(multi.pointer)
        }
    }

    /// Fetches `url` with GET, following redirects. Throws ``HTTPFetchError`` for a failed transfer
    /// (an HTTP error status is not a failure here) and `CancellationError` when the task is cancelled.
    /// `acceptsAnyMediaType` turns off ``Configuration/isUnwantedMediaType`` for this request (for
    /// robots.txt, which some servers label as a binary type). `headerLines` (`Name: value`) are sent
    /// after the configuration's own, for this request only (conditional requests).
    func get(_ url: String, acceptsAnyMediaType: Bool = false, headerLines: [String] = []) async throws -> HTTPTransferResult {
        guard let host = Self.host(of: url) else { throw HTTPFetchError.invalidURL(url) }
        try Task.checkCancellation()
        let id = state.withLock { state in
            state.nextID += 1
            state.liveIDs.insert(state.nextID)
            return state.nextID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                enqueue(PendingRequest(id: id, url: url, host: host, acceptsAnyMediaType: acceptsAnyMediaType, headerLines: headerLines, continuation: continuation))
            }
        } onCancel: {
            cancel(id)
        }
    }

    /// Sets a host's own minimum interval between request starts (a robots.txt Crawl-delay); the
    /// larger of it and ``Configuration/delay`` applies. A later call replaces an earlier one.
    func setMinimumInterval(_ interval: Duration, forHost host: String) {
        state.withLock { state in
            state.intervalByHost[host.lowercased()] = interval > .zero ? interval : nil
            if let multi = state.multi, state.loopIsRunning { curl_multi_wakeup(multi.pointer) }
        }
    }

    /// Starts no request to `host` before `instant` (a Retry-After); an earlier hold is extended,
    /// never shortened.
    func holdHost(_ host: String, until instant: ContinuousClock.Instant) {
        state.withLock { state in
            let host = host.lowercased()
            state.notBeforeByHost[host] = max(state.notBeforeByHost[host] ?? instant, instant)
        }
    }

    /// Whether the loop thread is running (for tests and diagnostics).
    var isLoopRunning: Bool {
        state.withLock { $0.loopIsRunning }
    }

    /// The lower-case host of an http(s) URL, or nil for any other URL.
    static func host(of url: String) -> String? {
        guard let components = URLComponents(string: url),
              let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = components.host, !host.isEmpty else { return nil }
        return host.lowercased()
    }

    // MARK: Shared state

    /// A request waiting for a slot.
    fileprivate struct PendingRequest: Sendable {
        var id: UInt64
        var url: String
        var host: String
        var acceptsAnyMediaType: Bool
        /// Request headers of this request only, after the configuration's.
        var headerLines: [String]
        var continuation: CheckedContinuation<HTTPTransferResult, any Error>
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
        var pending: [PendingRequest] = []
        var activeCount = 0
        var activeCountByHost: [String: Int] = [:]
        var nextID: UInt64 = 0
        /// Requests between `get` and their end (result or cancellation).
        var liveIDs: Set<UInt64> = []
        /// Requests handed to libcurl.
        var activeIDs: Set<UInt64> = []
        /// Active requests whose task was cancelled, for the loop to abort.
        var abortRequests: Set<UInt64> = []
        /// Requests cancelled before they reached the queue.
        var cancelledBeforeQueueing: Set<UInt64> = []
        /// When the last request to each host started (see ``markStarted(host:)``), for the delay.
        var lastStartByHost: [String: ContinuousClock.Instant] = [:]
        /// Hosts' own minimum intervals (Crawl-delay).
        var intervalByHost: [String: Duration] = [:]
        /// Hosts held back until an instant (Retry-After).
        var notBeforeByHost: [String: ContinuousClock.Instant] = [:]
    }

    private func enqueue(_ request: PendingRequest) {
        enum Outcome { case queued, startLoop(MultiHandle), cancelled, unavailable }
        let outcome: Outcome = state.withLock { state in
            if state.cancelledBeforeQueueing.remove(request.id) != nil {
                state.liveIDs.remove(request.id)
                return .cancelled
            }
            if state.multi == nil {
                _ = BuiltinLibraries.initialized  // curl_global_init, in case no registry was built
                guard let pointer = curl_multi_init() else {
                    state.liveIDs.remove(request.id)
                    return .unavailable
                }
                state.multi = MultiHandle(pointer: pointer)
            }
            state.pending.append(request)
            if state.loopIsRunning, let multi = state.multi {
                curl_multi_wakeup(multi.pointer)
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
            request.continuation.resume(throwing: HTTPFetchError.networkFailure(url: request.url, code: -1, message: "libcurl could not create a multi handle"))
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
                if let multi = state.multi { curl_multi_wakeup(multi.pointer) }
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
        var admitted: [PendingRequest] = []
        var aborts: Set<UInt64> = []
        var exit = false
        /// The earliest moment a request that waits only for its host's interval may start.
        var nextStart: ContinuousClock.Instant?
    }

    /// The loop: admit queued requests into free slots, abort cancelled ones, drive libcurl, finish
    /// completed transfers, poll. Returns once idle for `idleLinger`.
    private func runLoop(_ multi: UnsafeMutableRawPointer) {
        // Transfers by easy handle (for completion messages) and easy handles by request id (for
        // cancellation).
        var transfers: [UnsafeMutableRawPointer: Transfer] = [:]
        var handlesByID: [UInt64: UnsafeMutableRawPointer] = [:]
        var idleSince: ContinuousClock.Instant?
        let clock = ContinuousClock()

        while true {
            let lingerIsOver = idleSince.map { clock.now - $0 >= configuration.idleLinger } ?? false
            let turn = state.withLock { state in
                var turn = Turn()
                turn.aborts = state.abortRequests
                state.abortRequests.removeAll()
                if state.pending.isEmpty, state.activeCount == 0, lingerIsOver {
                    state.loopIsRunning = false
                    turn.exit = true
                    return turn
                }
                admit(from: &state, into: &turn)
                return turn
            }
            if turn.exit { return }

            // Whether a slot was freed this turn, so that a waiting request can take it at once.
            var freedSlot = false
            for request in turn.admitted {
                do {
                    let transfer = try Transfer(request: request, configuration: configuration) { [self] in
                        markStarted(host: request.host)
                    }
                    let added = curl_multi_add_handle(multi, transfer.easy)
                    guard added == CURLM_OK else {
                        let message = String(cString: curl_multi_strerror(added))
                        finish(transfer, in: multi, with: .failure(HTTPFetchError.networkFailure(url: request.url, code: Int(added.rawValue), message: message)), added: false)
                        freedSlot = true
                        continue
                    }
                    transfers[transfer.easy] = transfer
                    handlesByID[request.id] = transfer.easy
                } catch {
                    releaseSlot(of: request.id, host: request.host)
                    request.continuation.resume(throwing: error)
                    freedSlot = true
                }
            }
            for id in turn.aborts {
                guard let easy = handlesByID.removeValue(forKey: id), let transfer = transfers.removeValue(forKey: easy) else { continue }
                finish(transfer, in: multi, with: .failure(CancellationError()))
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
            for (easy, code) in completed {
                guard let transfer = transfers.removeValue(forKey: easy) else { continue }
                handlesByID[transfer.id] = nil
                finish(transfer, in: multi, with: transfer.result(for: code))
                freedSlot = true
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
            curl_multi_poll(multi, nil, 0, Int32(clamping: waitMilliseconds), nil)
        }
    }

    /// Moves queued requests whose host and total limits allow into the turn, oldest first.
    /// A request waiting only for its host's interval or hold sets ``Turn/nextStart``.
    private func admit(from state: inout SharedState, into turn: inout Turn) {
        guard !state.pending.isEmpty, state.activeCount < configuration.concurrency else { return }
        let now = ContinuousClock.now
        var waiting: [PendingRequest] = []
        for request in state.pending {
            let hostCount = state.activeCountByHost[request.host, default: 0]
            guard state.activeCount < configuration.concurrency, hostCount < configuration.perHost else {
                waiting.append(request)
                continue
            }
            if let earliest = earliestStart(of: request.host, in: state), earliest > now {
                turn.nextStart = min(turn.nextStart ?? earliest, earliest)
                waiting.append(request)
                continue
            }
            state.activeCount += 1
            state.activeCountByHost[request.host] = hostCount + 1
            state.activeIDs.insert(request.id)
            // Provisional: the request's own start (markStarted) moves it later. Until then the
            // host's next request waits as if this one had started now.
            state.lastStartByHost[request.host] = now
            turn.admitted.append(request)
        }
        state.pending = waiting
        // Forget hosts whose interval is long over, so the table stays as small as the active hosts.
        if state.lastStartByHost.count > 1024 {
            state.lastStartByHost = state.lastStartByHost.filter { host, start in
                now - start < max(configuration.delay, state.intervalByHost[host] ?? .zero)
            }
            state.notBeforeByHost = state.notBeforeByHost.filter { $0.value > now }
        }
    }

    /// When a request to `host` may start at the earliest, or nil when it may start at once.
    private func earliestStart(of host: String, in state: SharedState) -> ContinuousClock.Instant? {
        var earliest = state.notBeforeByHost[host]
        let interval = max(configuration.delay, state.intervalByHost[host] ?? .zero)
        if interval > .zero, let lastStart = state.lastStartByHost[host] {
            let next = lastStart + interval + Self.margin(for: interval)
            earliest = max(earliest ?? next, next)
        }
        return earliest
    }

    /// A little time added to each interval (5% of it, 10 to 50 ms): the server sees a request
    /// arrive a little after libcurl sends it, and a request on a new connection later than one on
    /// a reused connection, so without it a gap could look a few milliseconds short.
    static func margin(for interval: Duration) -> Duration {
        min(max(interval / 20, .milliseconds(10)), .milliseconds(50))
    }

    /// Called by a transfer (on the loop thread) just before libcurl sends a request of it, after
    /// the connection is set up: the moment the host's interval counts from.
    private func markStarted(host: String) {
        let now = ContinuousClock.now
        state.withLock { state in
            state.lastStartByHost[host] = max(state.lastStartByHost[host] ?? now, now)
        }
    }

    /// Removes a transfer from libcurl, frees it, releases its slots and resumes its caller.
    private func finish(_ transfer: Transfer, in multi: UnsafeMutableRawPointer, with result: Result<HTTPTransferResult, any Error>, added: Bool = true) {
        if added { curl_multi_remove_handle(multi, transfer.easy) }
        transfer.close()
        releaseSlot(of: transfer.id, host: transfer.host)
        transfer.continuation.resume(with: result)
    }

    private func releaseSlot(of id: UInt64, host: String) {
        state.withLock { state in
            state.activeCount -= 1
            let hostCount = state.activeCountByHost[host, default: 1] - 1
            state.activeCountByHost[host] = hostCount > 0 ? hostCount : nil
            state.activeIDs.remove(id)
            state.liveIDs.remove(id)
        }
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds) * 1000 + Int(duration.components.attoseconds / 1_000_000_000_000_000)
    }
}

// MARK: - Transfer

/// One transfer's easy handle and the state its C callbacks fill. Used by the loop thread only; the
/// callbacks find it through `Unmanaged` pointers in `CURLOPT_WRITEDATA` and `CURLOPT_HEADERDATA`, and
/// the loop's dictionary keeps it alive until ``close()``.
private final class Transfer {
    let id: UInt64
    let url: String
    let host: String
    let continuation: CheckedContinuation<HTTPTransferResult, any Error>
    let easy: UnsafeMutableRawPointer
    /// Allocated, not an array passed with `&`: libcurl keeps the pointer for the handle's life.
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private let maxBytes: Int
    private let maxRedirects: Int
    private let isUnwantedMediaType: @Sendable (String) -> Bool
    /// Called just before each request of the transfer (redirects included) is sent.
    fileprivate let onRequestStart: () -> Void

    private var body: [UInt8] = []
    private var headers: [(name: String, value: String)] = []
    /// The status of the last status line seen (each response of a redirect chain has one).
    private var lastStatus = 0
    private var bodyStarted = false
    private var exceededMaxBytes = false
    private var rejectedMediaType: String?
    private var isClosed = false

    init(request: CurlMultiClient.PendingRequest, configuration: CurlMultiClient.Configuration, onRequestStart: @escaping () -> Void) throws {
        guard let easy = curl_easy_init() else {
            throw HTTPFetchError.networkFailure(url: request.url, code: -1, message: "libcurl could not create an easy handle")
        }
        self.id = request.id
        self.url = request.url
        self.host = request.host
        self.continuation = request.continuation
        self.easy = easy
        self.errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        self.errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        self.maxBytes = configuration.maxBytes
        self.maxRedirects = configuration.maxRedirects
        if request.acceptsAnyMediaType {
            self.isUnwantedMediaType = { _ in false }
        } else {
            self.isUnwantedMediaType = configuration.isUnwantedMediaType
        }
        self.onRequestStart = onRequestStart
        for line in configuration.headerLines + request.headerLines {
            headerList = curl_slist_append(headerList, line)
        }
        do {
            try configure(configuration)
        } catch {
            close()
            throw error
        }
    }

    /// Sets the handle's options. libcurl copies string options, so temporary C strings are enough.
    private func configure(_ configuration: CurlMultiClient.Configuration) throws {
        var failure = CURLE_OK
        func set(_ code: CURLcode) {
            if failure == CURLE_OK, code != CURLE_OK { failure = code }
        }
        let context = UnsafeRawPointer(Unmanaged.passUnretained(self).toOpaque())
        set(etl_curl_easy_setopt_string(easy, CURLOPT_URL, url))
        set(etl_curl_easy_setopt_pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer))
        set(etl_curl_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1))
        set(etl_curl_easy_setopt_string(easy, CURLOPT_PROTOCOLS_STR, "http,https"))
        set(etl_curl_easy_setopt_string(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https"))
        set(etl_curl_easy_setopt_long(easy, CURLOPT_FOLLOWLOCATION, 1))
        set(etl_curl_easy_setopt_long(easy, CURLOPT_MAXREDIRS, configuration.maxRedirects))
        // "" asks for every content encoding this libcurl can decode (gzip, deflate, br, zstd).
        set(etl_curl_easy_setopt_string(easy, CURLOPT_ACCEPT_ENCODING, ""))
        set(etl_curl_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(configuration.connectTimeout)))
        set(etl_curl_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, Self.milliseconds(configuration.timeout)))
        // Rejects a declared Content-Length over the limit before any byte; the write callback
        // enforces the limit for chunked and compressed bodies.
        set(etl_curl_easy_setopt_offset(easy, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(configuration.maxBytes)))
        set(etl_curl_easy_setopt_string(easy, CURLOPT_USERAGENT, configuration.userAgent))
        if let headerList {
            set(etl_curl_easy_setopt_pointer(easy, CURLOPT_HTTPHEADER, headerList))
        }
        set(etl_curl_easy_setopt_data_callback(easy, CURLOPT_WRITEFUNCTION) { data, size, count, context in
            guard let context else { return 0 }
            let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
            return transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: size * count))
        })
        set(etl_curl_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, context))
        set(etl_curl_easy_setopt_data_callback(easy, CURLOPT_HEADERFUNCTION) { data, size, count, context in
            guard let context else { return 0 }
            let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
            transfer.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: size * count))
            return size * count
        })
        set(etl_curl_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, context))
        // The shim has no typed wrapper for this callback's signature: a C function pointer passes
        // through `void *` unchanged on every platform Swift runs on (POSIX requires it for dlsym).
        let prerequest: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<CChar>?, UnsafeMutablePointer<CChar>?, Int32, Int32) -> Int32 = { context, _, _, _, _ in
            guard let context else { return 0 }  // CURL_PREREQFUNC_OK
            Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue().onRequestStart()
            return 0
        }
        set(etl_curl_easy_setopt_pointer(easy, CURLOPT_PREREQFUNCTION, unsafeBitCast(prerequest, to: UnsafeRawPointer.self)))
        set(etl_curl_easy_setopt_pointer(easy, CURLOPT_PREREQDATA, context))
        guard failure == CURLE_OK else {
            throw HTTPFetchError.networkFailure(url: url, code: Int(failure.rawValue), message: "cannot configure the transfer: " + String(cString: curl_easy_strerror(failure)))
        }
    }

    /// The write callback: appends body bytes; returns fewer bytes than given (so libcurl aborts) once
    /// the body would exceed `maxBytes`, or when a successful response turns out to be binary.
    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        if !bodyStarted {
            bodyStarted = true
            // libcurl does not pass the bodies of redirect responses here, so these headers are
            // the final response's.
            if (200..<300).contains(lastStatus),
               let contentType = headers.last(where: { $0.name == "content-type" })?.value,
               let mediaType = TextDecoding.mediaType(ofContentType: contentType),
               isUnwantedMediaType(mediaType) {
                rejectedMediaType = mediaType
                return 0
            }
        }
        guard body.count + bytes.count <= maxBytes else {
            exceededMaxBytes = true
            return 0
        }
        body.append(contentsOf: bytes)
        return bytes.count
    }

    /// The header callback, called once per line. A status line starts a new response, so only the
    /// last response's headers of a redirect chain are kept.
    func receiveHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        // Parsed on the bytes: libcurl calls this about ten times per response, and Foundation's
        // trimming here took over a third of the client's time in the fetch benchmark.
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
        var end = bytes.count
        while end > 0 && (bytes[end - 1] == 0x0D || bytes[end - 1] == 0x0A) { end -= 1 }
        guard end > 0 else { return }
        func text(_ lower: Int, _ upper: Int) -> String {
            var lower = lower, upper = upper
            while lower < upper && isSpace(bytes[lower]) { lower += 1 }
            while upper > lower && isSpace(bytes[upper - 1]) { upper -= 1 }
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[lower..<upper]), as: UTF8.self)
        }
        if end >= 5 && bytes[0] == UInt8(ascii: "H") && bytes[1] == UInt8(ascii: "T") && bytes[2] == UInt8(ascii: "T")
            && bytes[3] == UInt8(ascii: "P") && bytes[4] == UInt8(ascii: "/") {
            headers.removeAll()
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
        if isSpace(bytes[0]), let previous = headers.indices.last {
            headers[previous].value += " " + text(0, end)  // an obsolete folded continuation line
            return
        }
        guard let colon = (0..<end).first(where: { bytes[$0] == UInt8(ascii: ":") }) else { return }
        var nameEnd = colon
        while nameEnd > 0 && isSpace(bytes[nameEnd - 1]) { nameEnd -= 1 }
        let name = String(decoding: bytes[0..<nameEnd].map { ($0 >= 0x41 && $0 <= 0x5A) ? $0 | 0x20 : $0 }, as: UTF8.self)
        headers.append((name: name, value: text(colon + 1, end)))
    }

    /// The outcome of the finished transfer, from libcurl's code and what the callbacks saw.
    func result(for code: CURLcode) -> Result<HTTPTransferResult, any Error> {
        if let rejectedMediaType {
            return .failure(HTTPFetchError.unsupportedMediaType(url: url, mediaType: rejectedMediaType))
        }
        if exceededMaxBytes || code == CURLE_FILESIZE_EXCEEDED {
            return .failure(HTTPFetchError.tooLarge(url: url, limit: maxBytes))
        }
        guard code == CURLE_OK else {
            let detail = String(cString: errorBuffer)
            let message = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
            switch code {
            case CURLE_TOO_MANY_REDIRECTS:
                return .failure(HTTPFetchError.tooManyRedirects(url: url, limit: maxRedirects))
            case CURLE_OPERATION_TIMEDOUT:
                return .failure(HTTPFetchError.timedOut(url: url, message: message))
            default:
                return .failure(HTTPFetchError.networkFailure(url: url, code: Int(code.rawValue), message: message))
            }
        }
        var status = 0
        etl_curl_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        var effectiveURL: UnsafeMutablePointer<CChar>?
        etl_curl_easy_getinfo_string(easy, CURLINFO_EFFECTIVE_URL, &effectiveURL)
        var totalTime = 0.0
        etl_curl_easy_getinfo_double(easy, CURLINFO_TOTAL_TIME, &totalTime)
        return .success(HTTPTransferResult(
            finalURL: effectiveURL.map { String(cString: $0) } ?? url,
            status: status,
            headers: headers,
            totalTime: totalTime,
            body: body
        ))
    }

    /// Frees the handle, then the error buffer and header list it points to. Call once the handle is
    /// out of the multi handle.
    func close() {
        guard !isClosed else { return }
        isClosed = true
        curl_easy_cleanup(easy)
        curl_slist_free_all(headerList)
        headerList = nil
        errorBuffer.deallocate()
    }

    deinit {
        close()
    }

    private static func milliseconds(_ seconds: Double) -> Int {
        Int((seconds * 1000).rounded())
    }
}
