import ETLKit
import Logging

/// The processes of one process plugin in one run, asked one line at a time: ``submit(_:check:)``
/// writes a line to a process and returns its answer, read as JSON. The `process` step and the
/// `process-sink` use it.
///
/// **Matching.** Each process answers its lines in the order it got them, one line out per line in, so
/// the n-th answer of a process belongs to the n-th line it was sent. An answer that is not what
/// the protocol asks for (the request's `check` says so: not JSON, not the right kind of value, the
/// record of another URL) fails its record with the reason, and the process is stopped and started
/// again like one that timed out: a stray line (a debugging `print`) would otherwise shift every
/// answer after it onto the wrong record, or acknowledge a record the sink has not written. Up to ``Settings/inFlight``
/// lines wait for their answers at each of the ``Settings/processes`` processes; more callers wait
/// for room (back-pressure: the runner's workers wait here, and the pipes never hold more).
///
/// **Failures.** When a process exits while lines wait for its answers, each of those records
/// fails with how it ended ("process exited with status 1 (stderr tail: …)"); the records answered
/// before are safe, and the next record starts a new process. When the oldest line of a process has
/// waited ``Settings/timeout`` for its answer, that record fails, the process is stopped (SIGTERM,
/// then SIGKILL) and the lines behind it are sent again to a new one: they were not at fault.
/// After ``Settings/restarts`` failures in a row with no answer between them, the pool gives up:
/// every record from then on fails at once with the reason, and the run goes on.
///
/// **Ending.** ``finish()`` closes the processes' input and waits for them to exit; ``terminate()``
/// stops them. A pool dropped without either (a `process` step's, at the end of its run) closes
/// their input as it goes.
actor LineProcessPool {
    struct Settings: Sendable {
        var command: ProcessCommand
        /// How logs and errors name the plugin (its id).
        var label: String
        /// Processes run at once (at least 1).
        var processes: Int
        /// Lines sent to one process and not yet answered (at least 1).
        var inFlight: Int
        /// How long the oldest unanswered line of a process may wait; nil for no limit.
        var timeout: Duration?
        /// Failures in a row (exits, timeouts) after which the pool gives up.
        var restarts: Int
        /// How long a process may take to exit once its input is closed; nil for no limit.
        var closeGrace: Duration?
        /// The longest answer read whole (longer ones are malformed).
        var maximumLineLength = 256 * 1024 * 1024
    }

    /// Reads an answer line: its JSON value, or why it is malformed.
    typealias AnswerCheck = @Sendable (OutputLine) -> Result<JSONValue, ProcessPluginError>

    private struct Request {
        let id: Int
        let line: [UInt8]
        let check: AnswerCheck
        let continuation: CheckedContinuation<JSONValue, any Error>
    }

    private struct Slot {
        var process: LineProcess?
        /// Grows with each process started (or abandoned) here: lines and exits of an older one are ignored.
        var generation = 0
        /// The lines sent to the process and not yet answered, oldest first.
        var pending: [Request] = []
        /// Fails the oldest pending line when its time is up.
        var timer: Task<Void, Never>?
    }

    let settings: Settings
    private let logger: Logger
    private var slots: [Slot]
    private var lastRequest = 0
    private var failuresInARow = 0
    private var gaveUp: ProcessPluginError?
    private var ended = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(_ settings: Settings, logger: Logger) {
        self.settings = settings
        self.logger = logger
        slots = Array(repeating: Slot(), count: max(1, settings.processes))
    }

    deinit {
        for slot in slots {
            slot.timer?.cancel()
            slot.process?.closeInput()
        }
    }

    /// Starts the processes that are not running, so that they can get ready before the first line.
    func start() {
        for index in slots.indices where slots[index].process == nil && gaveUp == nil && !ended {
            startProcess(in: index)
        }
    }

    /// Sends `line` (one JSON text and its `\n`) to a process and returns its answer as `check`
    /// reads it. Throws ``ProcessPluginError`` when the answer is malformed, when the process fails
    /// before it answers, or when the pool has given up.
    func submit(_ line: [UInt8], check: @escaping AnswerCheck) async throws -> JSONValue {
        while true {
            if let gaveUp { throw gaveUp }
            if ended { throw error(.exited, "\(settings.label) has already ended its processes") }
            if let index = roomiest() {
                lastRequest += 1
                let id = lastRequest
                return try await withCheckedThrowingContinuation { continuation in
                    enqueue(Request(id: id, line: line, check: check, continuation: continuation), in: index)
                }
            }
            await withCheckedContinuation { waiters.append($0) }
        }
    }

    /// Closes every process's input and waits for them to exit (each within ``Settings/closeGrace``):
    /// how each ended. Lines submitted later fail.
    func finish() async -> [ProcessExit] {
        ended = true
        wakeWaiters()
        let processes = slots.compactMap(\.process)
        for process in processes { process.closeInput() }
        var exits: [ProcessExit] = []
        for process in processes { exits.append(await process.exit()) }
        return exits
    }

    /// Stops every process (SIGTERM, then SIGKILL) and waits for them to end.
    func terminate() async {
        ended = true
        wakeWaiters()
        let processes = slots.compactMap(\.process)
        for process in processes { process.terminate() }
        for process in processes { _ = await process.exit() }
    }

    // MARK: Lines in and out

    /// The slot with the fewest lines waiting, if one has room.
    private func roomiest() -> Int? {
        slots.indices.filter { slots[$0].pending.count < settings.inFlight }.min { slots[$0].pending.count < slots[$1].pending.count }
    }

    private func enqueue(_ request: Request, in index: Int) {
        if slots[index].process == nil { startProcess(in: index) }
        slots[index].process?.send(request.line)
        slots[index].pending.append(request)
        if slots[index].pending.count == 1 { armTimer(index) }
    }

    private func startProcess(in index: Int) {
        slots[index].generation += 1
        let generation = slots[index].generation
        slots[index].process = LineProcess(
            command: settings.command, label: settings.label, logger: logger,
            maximumLineLength: settings.maximumLineLength, closeGrace: settings.closeGrace,
            onLine: { [weak self] line in await self?.received(line, slot: index, generation: generation) },
            onExit: { [weak self] exit in await self?.exited(exit, slot: index, generation: generation) })
    }

    private func received(_ line: OutputLine, slot index: Int, generation: Int) {
        guard slots[index].generation == generation else { return }  // from a process given up on
        guard !slots[index].pending.isEmpty else {
            logger.warning("\(settings.label) wrote a line no record asked for (ignored): \(ProcessPluginError.quote(line.bytes))")
            return
        }
        let request = slots[index].pending.removeFirst()
        slots[index].timer?.cancel()
        slots[index].timer = nil
        switch request.check(line) {
        case .success(let value):
            failuresInARow = 0
            request.continuation.resume(returning: value)
            armTimer(index)
        case .failure(let failure):
            request.continuation.resume(throwing: failure)
            logger.warning("\(settings.label): \(failure.message)")
            restart(index, after: failure)
        }
        wakeWaiters()
    }

    private func armTimer(_ index: Int) {
        guard let timeout = settings.timeout, let head = slots[index].pending.first else { return }
        let generation = slots[index].generation
        let id = head.id
        slots[index].timer = Task { [weak self] in
            guard (try? await Task.sleep(for: timeout)) != nil else { return }
            await self?.timedOut(slot: index, generation: generation, request: id)
        }
    }

    // MARK: Failures

    private func timedOut(slot index: Int, generation: Int, request id: Int) {
        guard slots[index].generation == generation, let head = slots[index].pending.first, head.id == id else { return }
        slots[index].pending.removeFirst()
        let seconds = settings.timeout.map { Self.seconds($0) } ?? "?"
        let failure = error(.timedOut, "process gave no answer within \(seconds) s, and was stopped")
        logger.warning("\(settings.label): \(failure.message)")
        head.continuation.resume(throwing: failure)
        restart(index, after: failure)
        wakeWaiters()
    }

    /// Stops the process of a slot whose oldest record failed for the process's fault (a timeout,
    /// a malformed answer), and sends the records behind it again to a new one: they were not at fault.
    private func restart(_ index: Int, after failure: ProcessPluginError) {
        let process = slots[index].process
        let behind = slots[index].pending
        slots[index].pending = []
        slots[index].process = nil
        slots[index].timer?.cancel()
        slots[index].timer = nil
        slots[index].generation += 1  // what the stopped process still writes is ignored
        process?.terminate()
        countFailure(failure)
        if !behind.isEmpty {
            logger.notice("\(settings.label): \(behind.count) other record\(behind.count == 1 ? "" : "s") in flight sent again to a new process")
        }
        for request in behind {
            if let gaveUp {
                request.continuation.resume(throwing: gaveUp)
            } else {
                enqueue(request, in: index)
            }
        }
    }

    private func exited(_ exit: ProcessExit, slot index: Int, generation: Int) {
        guard slots[index].generation == generation else { return }
        let pending = slots[index].pending
        slots[index].pending = []
        slots[index].process = nil
        slots[index].timer?.cancel()
        slots[index].timer = nil
        defer { wakeWaiters() }
        if pending.isEmpty && (ended || exit.isSuccess) {
            if !ended { logger.notice("\(settings.label) exited between records; the next record starts it again") }
            return
        }
        let failure = error(.exited, exit.description, exit: exit)
        logger.warning(
            "\(settings.label): \(exit); \(pending.count) record\(pending.count == 1 ? "" : "s") in flight go\(pending.count == 1 ? "es" : "") to the dead letters"
        )
        for request in pending { request.continuation.resume(throwing: failure) }
        countFailure(failure)
    }

    /// One more failure in a row; past ``Settings/restarts`` the pool gives up.
    private func countFailure(_ failure: ProcessPluginError) {
        failuresInARow += 1
        guard failuresInARow > settings.restarts, gaveUp == nil else { return }
        let given = error(
            .gaveUp,
            "process failed \(failuresInARow) time\(failuresInARow == 1 ? "" : "s") in a row (restarts: \(settings.restarts)), so it is not started again this run; last: \(failure.message)",
            exit: failure.exit)
        gaveUp = given
        logger.error("\(settings.label) \(settings.command): \(given.message)")
        // Records already waiting at other processes still get their answers.
    }

    private func wakeWaiters() {
        let waiting = waiters
        waiters = []
        for waiter in waiting { waiter.resume() }
    }

    private func error(_ code: ProcessPluginError.Code, _ message: String, exit: ProcessExit? = nil) -> ProcessPluginError {
        ProcessPluginError(code, message, command: settings.command.description, exit: exit)
    }

    static func seconds(_ duration: Duration) -> String {
        let parts = duration.components
        let value = Double(parts.seconds) + Double(parts.attoseconds) / 1e18
        return value == value.rounded() ? String(Int(value)) : String(value)
    }
}
