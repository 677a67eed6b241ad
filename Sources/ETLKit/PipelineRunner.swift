import Foundation
import Logging
import Synchronization

/// Runs a pipeline: sources → fetch → steps → sinks, with dead letters for what fails.
///
/// Records stream through three stages joined by rendezvous channels (``Handoff``), so memory holds at most
/// ``Pipeline/concurrency`` records in flight however many pages a run sees:
/// - the sources, all at once, send records into the first channel (they wait while it is full);
/// - `concurrency` workers each take a record, fetch it and run the steps, and send the outcome on;
/// - one writer hands outcomes to the sinks (so a sink sees one write at a time) or, for a failure,
///   to the dead-letter sink, and keeps the counts.
///
/// A record whose URL a source found in content fetched over the network (``Record/foundIn``) and
/// which is not http(s) fails before any fetcher sees it (``UntrustedScheme``).
///
/// **Bytes in flight.** Memory follows page size too: cleaning a 13 MB page of a million
/// paragraphs takes hundreds of megabytes (libxml2's tree alone is about 40 times the page). So the
/// workers also share a ``ByteBudget`` of ``Pipeline/maxBytesInFlight`` document bytes: a worker
/// starts a record only while the documents in flight hold less than the budget, and runs the steps
/// on a fetched document only once its bytes fit (a document larger than the whole budget runs
/// alone). The bytes are given back when the writer has written the record's outcome.
///
/// A failing record never stops the run. A sink that cannot be opened, or a dead-letter sink that
/// cannot be written (nothing may be lost silently), does: ``RunError``. A run that fails ends its
/// sinks with ``Sink/discard()``, one that succeeds with ``Sink/close()``: output that replaces the
/// last run's is put in place only by a run that succeeded.
///
/// **State.** With a ``StateStore`` a run is incremental. A worker looks up the record's canonical
/// URL before the fetch; when its last run was `done`, the stored ETag and Last-Modified go on the
/// record (``Record/conditional``) and a fetcher may answer with ``NotModified`` (a 304); after the
/// fetch, a document whose SHA-256 equals the stored hash is unchanged too. Unchanged records skip
/// the steps and the sinks and are counted in ``RunSummary/unchanged`` (part of `skipped`). The
/// writer records each final outcome: `done` (validators, hash, time) once every sink wrote the
/// record, a step filtered it out or it was unchanged; `failed` with one more attempt once it went
/// to the dead letters. ``fullRefresh`` fetches everything unconditionally and still records. A
/// store that cannot be read is logged and the record fetched as if new; one that cannot be
/// written stops the run (``RunError/stateWrite(url:reason:underlying:)``).
///
/// **Failures remembered.** A failed entry keeps the dead letter's reason and whether the failure
/// is permanent (``FailureClassifying``; an error that does not say is transient from a fetcher,
/// permanent from a step; a failure of the run's own making, such as a sink that could not write or
/// no fetcher for the URL's scheme, is transient). A URL whose last failure was permanent is not
/// fetched again until its ``FailureBackoff`` has passed: it is skipped and counted in
/// ``RunSummary/rememberedFailures`` (part of `skipped`, not a dead letter), so a scheduled run
/// over a site with a dead link succeeds. ``retryFailed`` (and ``fullRefresh``) fetch such URLs anyway.
public struct PipelineRunner: Sendable {
    public var pipeline: Pipeline
    /// Stop after this many records from the sources.
    public var limit: Int?
    public var logger: Logger
    /// Called by the writer after each outcome; keep it cheap.
    public var progress: (@Sendable (RunProgress) -> Void)?
    /// The store for incremental runs, opened (and later closed) by the caller; nil for none.
    public var stateStore: (any StateStore)?
    /// Ignore the store's validators and hashes (fetch and write everything) but still record.
    public var fullRefresh: Bool
    /// Set by the caller to end the run early and cleanly (see ``RunStop``); nil for none.
    public var stop: RunStop?
    /// Fetch URLs whose permanent failure is still waiting out its back-off.
    public var retryFailed: Bool
    /// How long a permanent failure is left alone.
    public var failureBackoff: FailureBackoff
    /// The time recorded in the state and compared with back-offs; tests set it.
    public var now: @Sendable () -> Date
    /// With a state shared by several workers (``StateStore/frontier``): how long a URL this worker
    /// claimed stays its own without a renewal. A worker that dies holds its URLs this long; the
    /// runner renews its leases every third of it.
    public var lease: Duration = .seconds(60)
    /// With a shared state: how this worker is named among the pipeline's workers (`etl state`
    /// shows it); the host's name and the process id by default.
    public var workerName: String = PipelineRunner.defaultWorkerName

    public init(
        pipeline: Pipeline, limit: Int? = nil, logger: Logger = Logger(label: "etl"),
        stateStore: (any StateStore)? = nil, fullRefresh: Bool = false, retryFailed: Bool = false,
        failureBackoff: FailureBackoff = .standard, now: @escaping @Sendable () -> Date = { Date() },
        progress: (@Sendable (RunProgress) -> Void)? = nil, stop: RunStop? = nil
    ) {
        self.stop = stop
        self.retryFailed = retryFailed
        self.failureBackoff = failureBackoff
        self.now = now
        self.pipeline = pipeline
        self.limit = limit
        self.logger = logger
        self.stateStore = stateStore
        self.fullRefresh = fullRefresh
        self.progress = progress
    }

    /// What ended a record's way through the workers.
    private enum Outcome: Sendable {
        case done(Record)
        case skipped(Record)
        /// The state store shows the record unchanged: a 304, or the stored content hash.
        case unchanged(Record)
        /// The state store remembers a permanent failure whose back-off has not passed: not fetched.
        case remembered(Record, StateEntry)
        case failed(Record, step: String, reason: String, isPermanent: Bool)
        case sourceFailed(Record, step: String, reason: String)
        /// No record: the claimer of a worker with shared work found nothing to claim, and the
        /// writer commits what it holds now rather than at the next outcome, so that other
        /// workers waiting for the round's end see this worker's URLs done.
        case idle

        /// The record a worker took, whose URL is done in a shared frontier once this outcome is
        /// committed; nil for a source's failure, which no frontier holds.
        var claimedRecord: Record? {
            switch self {
            case .done(let record), .skipped(let record), .unchanged(let record), .remembered(let record, _), .failed(let record, _, _, _):
                return record
            case .sourceFailed, .idle:
                return nil
            }
        }
    }

    /// An outcome with the time each step took (index into the summary's steps).
    private struct TimedOutcome: Sendable {
        var outcome: Outcome
        var timings: [(step: Int, seconds: Double, result: StepResult)]
        /// What the state store knew about the record's URL before this run (with a store only).
        var stored: StateEntry? = nil
        /// SHA-256 of the fetched document's text (with a store only).
        var contentHash: String? = nil
        /// Document bytes held in the run's ``ByteBudget``, given back once the outcome is written.
        var heldBytes = 0
    }

    private enum StepResult: Sendable { case passed, skipped, failed }

    /// Labels of the processing stages in summary order: fetch, then each step.
    private var stageLabels: [String] {
        ["fetch"] + pipeline.steps.map(\.label)
    }

    public func run() async throws(RunError) -> RunSummary {
        let context = RunContext(logger: logger)
        // The hosts the user named may be fetched on private addresses (see the http fetcher).
        _ = context.services.value { NamedHosts(pipeline.namedHosts) }
        // Politeness and robots.txt shared with the pipeline's other workers, when the state is shared.
        _ = context.services.value { SharedHostLedger(stateStore?.hostLedger) }
        _ = context.services.value { SharedFrontier(stateStore?.frontier) }
        // Fetchers keep the bytes of each transfer only for a sink that archives them.
        _ = context.services.value { ExchangeRecording(isOn: pipeline.sinks.contains { $0.instance.archivesExchanges }) }
        let started = ContinuousClock.now
        var openedSinks: [PipelineStage<any Sink>] = []
        let allSinks = pipeline.sinks + [pipeline.deadLetters]
        for sink in allSinks {
            do {
                try await sink.instance.open(context: context)
                openedSinks.append(sink)
            } catch {
                await discard(openedSinks)
                throw RunError.sinkOpen(sink: sink.label, path: sink.path, reason: DeadLetter.reason(for: error), underlying: error)
            }
        }

        if let frontier = stateStore?.frontier {
            do {
                try await frontier.join(as: workerName, lease: lease)
            } catch {
                await discard(openedSinks)
                throw RunError.frontier(action: "let this worker join", reason: DeadLetter.reason(for: error), underlying: error)
            }
        }
        var summary = RunSummary()
        summary.steps = stageLabels.map(StepStatistics.init) + pipeline.sinks.map { StepStatistics(label: "sink:\($0.label)") }
        let result: Result<RunSummary, RunError>
        do {
            result = .success(try await stream(summary: summary, context: context, started: started))
        } catch let error as RunError {
            result = .failure(error)
        } catch {
            result = .failure(.interrupted(reason: DeadLetter.reason(for: error), underlying: error))
        }
        switch result {
        case .success(let summary):
            try await finish(openedSinks)
            return summary
        case .failure(let error):
            await discard(openedSinks)
            throw error
        }
    }

    /// Ends a run that succeeded. Every sink first writes out what it holds, so that a sink that
    /// cannot write fails the run before any sink has put its output in place; then each closes,
    /// which puts replaced output in place. A sink that cannot close fails the run, and the sinks
    /// after it discard theirs.
    private func finish(_ sinks: [PipelineStage<any Sink>]) async throws(RunError) {
        for sink in sinks {
            do {
                try await sink.instance.flush()
            } catch {
                await discard(sinks)
                throw RunError.sinkFlush(sink: sink.label, reason: DeadLetter.reason(for: error), underlying: error)
            }
        }
        for (index, sink) in sinks.enumerated() {
            do {
                try await sink.instance.close()
            } catch {
                await discard(Array(sinks[(index + 1)...]))
                throw RunError.sinkClose(sink: sink.label, reason: DeadLetter.reason(for: error), underlying: error)
            }
        }
    }

    /// Ends a run that failed: each sink drops what would have replaced the last run's output.
    private func discard(_ sinks: [PipelineStage<any Sink>]) async {
        for sink in sinks {
            do {
                try await sink.instance.discard()
            } catch {
                logger.error("closing sink \(sink.label) after the failed run failed: \(error)")
            }
        }
    }

    private func stream(summary initial: RunSummary, context: RunContext, started: ContinuousClock.Instant) async throws -> RunSummary {
        let inbound = Handoff<Record>()
        let outbound = Handoff<TimedOutcome>()
        let admission = Admission(limit: limit)
        let budget = ByteBudget(limit: pipeline.maxBytesInFlight)
        let gate = pipeline.steps.contains { $0.instance.isOrderSensitive } ? OrderGate() : nil
        let shared = stateStore?.frontier.map(FrontierWork.init)

        /// Hands a record to the workers, numbered for an order-sensitive step.
        @Sendable func deliver(_ record: Record) async {
            guard let gate else {
                await inbound.send(record)
                return
            }
            var numbered = record
            let ordinal = gate.register()
            numbered.ordinal = ordinal
            // The next record of this source is numbered only after this one is taken.
            if await inbound.send(numbered) { gate.delivered(ordinal) } else { gate.resolve(ordinal) }
        }

        // Leases are renewed well within their time while the run lasts.
        let renewal = shared.map { shared in
            Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: lease / 3)
                    if Task.isCancelled { break }
                    do {
                        try await shared.frontier.renew()
                    } catch {
                        logger.warning("could not renew this worker's leases: \(error)")
                    }
                }
            }
        }
        defer { renewal?.cancel() }

        return try await withThrowingTaskGroup(of: Void.self) { group in
            // Sources, all at once.
            group.addTask {
                await withTaskGroup(of: Void.self) { sources in
                    for source in pipeline.sources {
                        sources.addTask {
                            let output = RecordOutput { record in
                                // A stop request ends the sources here; what they sent goes on.
                                if stop?.requestReason != nil { throw LimitReached() }
                                switch admission.admit(record) {
                                case .admitted:
                                    guard let shared else {
                                        await deliver(record)
                                        return
                                    }
                                    // Shared work: into the frontier, for whichever worker claims it; a
                                    // record with its document is this worker's when its URL is new.
                                    if record.document == nil {
                                        try await shared.add(record)
                                    } else if try await shared.frontier.addClaimed(record) {
                                        shared.hold([CanonicalURL.canonical(record.url)])
                                        await deliver(record)
                                    }
                                case .repeated: return  // another source sent this page already
                                case .limitReached: throw LimitReached()
                                }
                            }
                            do {
                                try await source.instance.produce(into: output, context: context)
                            } catch is LimitReached {
                                return
                            } catch is CancellationError {
                                return
                            } catch {
                                let failed = Record(url: source.path.description, source: source.id)
                                await outbound.send(
                                    TimedOutcome(
                                        outcome: .sourceFailed(failed, step: "source:\(source.label)", reason: DeadLetter.reason(for: error)), timings: []))
                            }
                        }
                    }
                }
                guard let shared else {
                    inbound.finish()
                    return
                }
                // What the sources found goes in before the frontier hears they are done.
                do {
                    try await shared.flush()
                    try await shared.frontier.sourcesFinished()
                } catch {
                    throw RunError.frontier(action: "add the sources' URLs", reason: DeadLetter.reason(for: error), underlying: error)
                }
                shared.sourcesFinished = true
            }
            // The claimer, with shared work: URLs leased from the frontier go to the workers until
            // the round is over (or the run stops).
            if let shared {
                group.addTask {
                    defer { inbound.finish() }
                    try await claim(from: shared, limit: limit, deliver: deliver) {
                        await outbound.send(TimedOutcome(outcome: .idle, timings: []))
                    }
                }
            }
            // Workers.
            group.addTask {
                await withTaskGroup(of: Void.self) { workers in
                    for _ in 0..<max(1, pipeline.concurrency) {
                        workers.addTask {
                            while let record = await inbound.next() {
                                // Whatever becomes of it, later records need not wait for it any more.
                                defer { if let gate, let ordinal = record.ordinal { gate.resolve(ordinal) } }
                                await budget.room()
                                await outbound.send(await process(record, context: context, budget: budget, gate: gate))
                            }
                        }
                    }
                }
                outbound.finish()
            }

            // The writer, in this task.
            var summary = initial
            // State entries wait here until the sinks have flushed what they describe.
            var journal: [StateEntry?] = []
            // With shared work, the URLs whose outcome is written: done in the frontier at the commit.
            var completed: [String] = []
            var lastCommit = ContinuousClock.now
            let sinkStepOffset = stageLabels.count
            while let timed = await outbound.next() {
                defer { budget.release(timed.heldBytes) }
                logOutcome(timed)
                count(timed, in: &summary)
                for timing in timed.timings {
                    summary.steps[timing.step].input += 1
                    summary.steps[timing.step].seconds += timing.seconds
                    switch timing.result {
                    case .passed: summary.steps[timing.step].output += 1
                    case .skipped: summary.steps[timing.step].skipped += 1
                    case .failed: summary.steps[timing.step].failed += 1
                    }
                }
                switch timed.outcome {
                case .done(let record):
                    summary.input += 1
                    var failure: (step: String, reason: String)?
                    for (index, sink) in pipeline.sinks.enumerated() {
                        let clock = ContinuousClock.now
                        summary.steps[sinkStepOffset + index].input += 1
                        do {
                            try await sink.instance.write(record)
                            summary.steps[sinkStepOffset + index].output += 1
                        } catch {
                            summary.steps[sinkStepOffset + index].failed += 1
                            failure = failure ?? ("sink:\(sink.label)", DeadLetter.reason(for: error))
                        }
                        summary.steps[sinkStepOffset + index].seconds += (ContinuousClock.now - clock).seconds
                    }
                    if let failure {
                        try await writeDeadLetter(DeadLetter.record(for: record, step: failure.step, reason: failure.reason))
                        summary.deadLetters += 1
                        // The sink's trouble, not the page's: tried again next run.
                        journal.append(stateEntry(failed: record, timed, failure: StateEntry.Failure(reason: failure.reason, isPermanent: false)))
                    } else {
                        summary.written += 1
                        journal.append(stateEntry(done: record, timed))
                    }
                case .skipped(let record):
                    summary.input += 1
                    summary.skipped += 1
                    journal.append(stateEntry(done: record, timed))
                case .unchanged(let record):
                    summary.input += 1
                    // Sinks that keep a history note the visit (the warc sink's revisit records).
                    var failure: (step: String, reason: String)?
                    for sink in pipeline.sinks {
                        do {
                            try await sink.instance.writeUnchanged(record)
                        } catch {
                            failure = failure ?? ("sink:\(sink.label)", DeadLetter.reason(for: error))
                        }
                    }
                    if let failure {
                        try await writeDeadLetter(DeadLetter.record(for: record, step: failure.step, reason: failure.reason))
                        summary.deadLetters += 1
                        journal.append(stateEntry(failed: record, timed, failure: StateEntry.Failure(reason: failure.reason, isPermanent: false)))
                    } else {
                        summary.skipped += 1
                        summary.unchanged += 1
                        journal.append(stateEntry(done: record, timed))
                    }
                case .remembered(let record, let entry):
                    summary.input += 1
                    summary.skipped += 1
                    summary.rememberedFailures += 1
                    let retryDate = failureBackoff.retryDate(for: entry).map { Timestamp.iso8601($0) } ?? "now"
                    logger.info("skipped \(record.url): its last fetch failed permanently (\(entry.failure?.reason ?? "")); tried again after \(retryDate)")
                case .failed(let record, let step, let reason, let isPermanent):
                    summary.input += 1
                    try await writeDeadLetter(DeadLetter.record(for: record, step: step, reason: reason))
                    summary.deadLetters += 1
                    journal.append(stateEntry(failed: record, timed, failure: StateEntry.Failure(reason: reason, isPermanent: isPermanent)))
                case .sourceFailed(let record, let step, let reason):
                    logger.error("\(step) failed: \(reason)")
                    try await writeDeadLetter(DeadLetter.record(for: record, step: step, reason: reason))
                    summary.sourceFailures += 1
                case .idle:
                    if !journal.isEmpty || !completed.isEmpty {
                        try await commit(&journal, completing: &completed, in: shared)
                        lastCommit = ContinuousClock.now
                    }
                    continue
                }
                if shared != nil, let record = timed.outcome.claimedRecord {
                    completed.append(CanonicalURL.canonical(record.url))
                }
                let pending = max(journal.count, completed.count)
                if pending >= Self.journalSize || (pending > 0 && ContinuousClock.now - lastCommit >= Self.journalInterval) {
                    try await commit(&journal, completing: &completed, in: shared)
                    lastCommit = ContinuousClock.now
                }
                if let progress {
                    progress(
                        RunProgress(
                            input: summary.input, written: summary.written, skipped: summary.skipped,
                            failed: summary.deadLetters, seconds: (ContinuousClock.now - started).seconds))
                }
            }
            try await group.waitForAll()
            try await commit(&journal, completing: &completed, in: shared)
            if let shared {
                // A stopped run gives back what it claimed and did not finish; a finished one holds nothing.
                let held = shared.held
                do {
                    if !held.isEmpty { try await shared.frontier.release(held) }
                    try await shared.frontier.leave()
                } catch {
                    logger.warning("could not give \(held.count) leased URLs back to the frontier (they return when their leases run out): \(error)")
                }
            }
            summary.seconds = (ContinuousClock.now - started).seconds
            summary.repeatedURLs = admission.repeated
            summary.stoppedBy = stop?.requestReason
            summary.sources = pipeline.sources.count
            return summary
        }
    }

    /// The claimer of a worker with shared work: leases URLs from the frontier, `concurrency` at a
    /// time, and delivers them to the workers, until the round is over, the run stops or `limit`
    /// records were delivered. Between empty claims it waits, 50 ms at first and up to a second,
    /// for other workers' sources or leases that run out.
    private func claim(
        from shared: FrontierWork, limit: Int?, deliver: @Sendable (Record) async -> Void, idle signalIdle: @Sendable () async -> Void
    ) async throws {
        var delivered = 0
        var idle = Duration.milliseconds(50)
        let batch = max(1, pipeline.concurrency)
        while stop?.requestReason == nil, limit.map({ delivered < $0 }) ?? true {
            let claimed: [Record]
            do {
                try await shared.flush()
                claimed = try await shared.frontier.claim(limit: min(batch, limit.map { $0 - delivered } ?? batch))
            } catch {
                throw RunError.frontier(action: "claim URLs", reason: DeadLetter.reason(for: error), underlying: error)
            }
            guard !claimed.isEmpty else {
                let isFinished: Bool
                do {
                    isFinished = shared.sourcesFinished ? try await shared.frontier.isFinished() : false
                } catch {
                    throw RunError.frontier(action: "see whether the round is over", reason: DeadLetter.reason(for: error), underlying: error)
                }
                if isFinished { return }
                // What this worker finished goes to the frontier now: the others may be waiting for it.
                await signalIdle()
                try await Task.sleep(for: idle)
                idle = min(idle * 2, .seconds(1))
                continue
            }
            idle = .milliseconds(50)
            shared.hold(claimed.map { CanonicalURL.canonical($0.url) })
            for record in claimed {
                // A stopped run gives the rest back when it ends (they are still held).
                if stop?.requestReason != nil { return }
                await deliver(record)
                delivered += 1
            }
        }
    }

    /// The host's name and the process id: `crawler-2:4711`.
    public static var defaultWorkerName: String {
        "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
    }

    /// One line per record at `info`: the URL, the HTTP status, the bytes received, the time spent
    /// on it and what became of it (`done`: passed every step, handed to the sinks).
    private func logOutcome(_ timed: TimedOutcome) {
        guard logger.logLevel <= .info else { return }
        let milliseconds = Int((timed.timings.reduce(0) { $0 + $1.seconds } * 1000).rounded())
        func line(_ record: Record, _ outcome: String) -> Logger.Message {
            let status = record.response.map { "\($0.status)" } ?? "-"
            let bytes = record.response.map { "\($0.bodySize) B" } ?? "-"
            return "\(record.url) \(status) \(bytes) \(milliseconds) ms \(outcome)"
        }
        switch timed.outcome {
        case .done(let record): logger.info(line(record, "done"))
        case .skipped(let record): logger.info(line(record, "skipped"))
        case .unchanged(let record): logger.info(line(record, "unchanged"))
        case .remembered: break  // logged with its back-off where it is counted
        case .failed(let record, let step, let reason, _): logger.info(line(record, "failed in \(step): \(reason)"))
        case .sourceFailed: break  // logged as an error where it is written
        case .idle: break
        }
    }

    /// The summary's counts by HTTP status (of every response received) and by kind of failure.
    private func count(_ timed: TimedOutcome, in summary: inout RunSummary) {
        switch timed.outcome {
        case .done(let record), .skipped(let record), .unchanged(let record):
            if let status = record.response?.status { summary.statuses[status, default: 0] += 1 }
        case .failed(let record, let step, let reason, _):
            if let status = record.response?.status { summary.statuses[status, default: 0] += 1 }
            summary.failureKinds[Self.failureKind(step: step, reason: reason, url: record.url), default: 0] += 1
        case .remembered, .sourceFailed, .idle:
            break
        }
    }

    /// A failure's reason without what is particular to its record, for counting alike ones
    /// together: "fetch:http: HTTP status 404" from "cannot fetch https://…/a: HTTP status 404".
    static func failureKind(step: String, reason: String, url: String) -> String {
        var text = reason.replacingOccurrences(of: url, with: "")
        for prefix in ["cannot fetch :", "cannot fetch", "cannot read :", "cannot read"] where text.hasPrefix(prefix) {
            text = String(text.dropFirst(prefix.count))
            break
        }
        if let cut = text.range(of: " (") ?? text.range(of: "; ") { text = String(text[..<cut.lowerBound]) }
        text = text.trimmingWhitespace()
        return "\(step): \(text.count > 80 ? String(text.prefix(80)) + "…" : text)"
    }

    /// A URL's entry as done: the response's validators (the stored ones after a 304) and hash; nil
    /// without a store.
    private func stateEntry(done record: Record, _ timed: TimedOutcome) -> StateEntry? {
        guard stateStore != nil else { return nil }
        let stored = timed.stored?.status == .done ? timed.stored : nil
        var entry = StateEntry(
            url: CanonicalURL.canonical(record.url), status: .done, attempts: 0, lastFetch: now(),
            etag: stored?.etag, lastModified: stored?.lastModified, contentHash: timed.contentHash ?? stored?.contentHash)
        if let response = record.response {
            // A 304 need not repeat every validator: the stored ones stand where it gives none.
            let keepsStored = response.status == 304
            entry.etag = response.header("etag") ?? (keepsStored ? entry.etag : nil)
            entry.lastModified = response.header("last-modified") ?? (keepsStored ? entry.lastModified : nil)
        }
        return entry
    }

    /// A URL's entry as failed with `failure`, one attempt more than before (the attempts count
    /// failed runs in a row, permanent or not, and set the back-off); earlier validators are kept
    /// but not used while the status is `failed`. Nil without a store.
    private func stateEntry(failed record: Record, _ timed: TimedOutcome, failure: StateEntry.Failure) -> StateEntry? {
        guard stateStore != nil else { return nil }
        let stored = timed.stored
        let attempts = stored?.status == .failed ? (stored?.attempts ?? 0) + 1 : 1
        return StateEntry(
            url: CanonicalURL.canonical(record.url), status: .failed, attempts: attempts, lastFetch: now(),
            etag: stored?.etag, lastModified: stored?.lastModified, contentHash: stored?.contentHash, failure: failure)
    }

    /// Records the journal's entries, after every sink (dead letters included) has made what it
    /// was given durable: a record is never "done" in the state before it is safely in the sinks,
    /// so a run killed at any moment loses nothing when run again.
    private func commit(_ journal: inout [StateEntry?], completing completed: inout [String], in shared: FrontierWork?) async throws(RunError) {
        guard let stateStore, journal.contains(where: { $0 != nil }) || !completed.isEmpty else {
            journal.removeAll(keepingCapacity: true)
            return
        }
        for sink in pipeline.sinks + [pipeline.deadLetters] {
            do {
                try await sink.instance.flush()
            } catch {
                throw RunError.sinkFlush(sink: sink.label, reason: DeadLetter.reason(for: error), underlying: error)
            }
        }
        let entries = journal.compactMap { $0 }
        do {
            if let shared {
                // Done in the frontier and recorded in the state at once.
                try await shared.frontier.complete(completed, recording: entries)
                shared.drop(completed)
                completed.removeAll(keepingCapacity: true)
            } else {
                try await stateStore.record(entries)
            }
        } catch {
            // The first URL names the commit; the count says how many it held. With shared work a
            // commit may complete URLs that have no entry (a remembered failure): those name it then.
            let urls = entries.isEmpty ? completed : entries.map(\.url)
            let first = urls.first ?? ""
            let url = urls.count > 1 ? "\(first) and \(urls.count - 1) more URL\(urls.count == 2 ? "" : "s")" : first
            throw RunError.stateWrite(url: url, reason: DeadLetter.reason(for: error), underlying: error)
        }
        journal.removeAll(keepingCapacity: true)
    }

    /// The journal is committed every 64 outcomes, or after a second, whichever comes first: a
    /// killed run redoes at most that much.
    static let journalSize = 64
    static let journalInterval: Duration = .seconds(1)

    private func writeDeadLetter(_ record: Record) async throws(RunError) {
        do {
            try await pipeline.deadLetters.instance.write(record)
        } catch {
            throw RunError.deadLetterWrite(url: record.url, reason: DeadLetter.reason(for: error), underlying: error)
        }
    }

    /// What became of one record that ``process(_:)`` took through the fetch and the steps.
    public enum RecordResult: Sendable {
        /// Every step passed it on: ready for the sinks.
        case done(Record)
        /// A step filtered it out.
        case skipped(Record, step: String)
        /// A step failed: what a dead letter would say.
        case failed(Record, step: String, reason: String)
    }

    /// Takes one record through the fetch and the steps, as a run does, without sources or sinks
    /// (`etl extract` uses this to show one page's record). The record's URL is the user's own, so
    /// its host counts as named (``NamedHosts``).
    public func process(_ record: Record) async -> RecordResult {
        let context = RunContext(logger: logger)
        context.services.value { NamedHosts(pipeline.namedHosts) }.insert(hostOf: record.url)
        let timed = await process(record, context: context)
        switch timed.outcome {
        case .done(let record): return .done(record)
        case .skipped(let record): return .skipped(record, step: timed.timings.last.map { stageLabels[$0.step] } ?? "")
        case .unchanged(let record), .remembered(let record, _): return .skipped(record, step: "state")
        case .idle: return .skipped(record, step: "")  // made by a claimer only, never by a record's way
        case .failed(let record, let step, let reason, _), .sourceFailed(let record, let step, let reason):
            return .failed(record, step: step, reason: reason)
        }
    }

    /// Fetches a record and runs the steps on it; with a `budget`, the steps wait until the
    /// document's bytes fit in it (the outcome says how many it holds).
    private func process(_ input: Record, context: RunContext, budget: ByteBudget? = nil, gate: OrderGate? = nil) async -> TimedOutcome {
        var record = input
        var timings: [(step: Int, seconds: Double, result: StepResult)] = []

        // State: what the last run knew. Its validators and hash count only after a success.
        var stored: StateEntry?
        if let stateStore {
            do {
                stored = try await stateStore.entry(for: CanonicalURL.canonical(record.url))
            } catch {
                context.logger.warning("state lookup failed for \(record.url), fetching it as new: \(error)")
            }
        }
        if let stored, !fullRefresh, !retryFailed, failureBackoff.isWaiting(stored, at: now()) {
            timings.append((0, 0, .skipped))
            return TimedOutcome(outcome: .remembered(record, stored), timings: timings, stored: stored)
        }
        let previous = fullRefresh ? nil : stored.flatMap { $0.status == .done ? $0 : nil }
        if let previous, previous.etag != nil || previous.lastModified != nil {
            record.conditional = ConditionalRequest(etag: previous.etag, lastModified: previous.lastModified)
        }
        var heldBytes = 0
        func outcome(_ outcome: Outcome, hash: String? = nil) -> TimedOutcome {
            TimedOutcome(outcome: outcome, timings: timings, stored: stored, contentHash: hash, heldBytes: heldBytes)
        }

        // Checked before any fetcher sees the URL: a file: URL a remote sitemap lists is never read.
        if let foundIn = record.foundIn, let refusal = UntrustedScheme(record.url, foundIn: foundIn) {
            timings.append((0, 0, .failed))
            // The same page lists the same URL: refused again whenever asked.
            return outcome(.failed(record, step: "fetch", reason: refusal.description, isPermanent: true))
        }
        if record.document == nil {
            guard let fetcher = pipeline.fetcher(for: record.url) else {
                let schemes = pipeline.fetchers.flatMap { $0.instance.schemes }.sorted().joined(separator: ", ")
                timings.append((0, 0, .failed))
                // The pipeline's doing, not the page's: once the pipeline has such a fetcher, it is fetched.
                return outcome(
                    .failed(
                        record, step: "fetch",
                        reason: "no fetcher reads \"\(Pipeline.scheme(of: record.url))\" URLs (the pipeline's fetchers read: \(schemes))",
                        isPermanent: false))
            }
            let clock = ContinuousClock.now
            do {
                record = try await fetcher.instance.fetch(record, context: context)
                timings.append((0, (ContinuousClock.now - clock).seconds, .passed))
            } catch let notModified as NotModified where record.conditional != nil {
                timings.append((0, (ContinuousClock.now - clock).seconds, .skipped))
                // The 304 itself, for the sinks told about unchanged records and the status counts.
                if let response = notModified.response { record.response = response }
                return outcome(.unchanged(record))
            } catch let duplicate as AlreadyFetched {
                timings.append((0, (ContinuousClock.now - clock).seconds, .skipped))
                context.logger.info("skipped \(duplicate)")
                return outcome(.skipped(record))
            } catch {
                timings.append((0, (ContinuousClock.now - clock).seconds, .failed))
                // An error that does not say is transient: asking again costs one request.
                let isPermanent = (error as? any FailureClassifying)?.isPermanent ?? false
                return outcome(.failed(record, step: "fetch:\(fetcher.label)", reason: DeadLetter.reason(for: error), isPermanent: isPermanent))
            }
        }

        var contentHash: String?
        if stateStore != nil, let document = record.document {
            let hash = MessageDigest.hex(.sha256, of: document.text)
            contentHash = hash
            if let previous, previous.contentHash == hash {
                return outcome(.unchanged(record), hash: hash)
            }
        }

        if let budget, let document = record.document {
            heldBytes = await budget.reserve(document.text.utf8.count)
        }
        for (index, step) in pipeline.steps.enumerated() {
            // An order-sensitive step takes one source's records in the order it sent them. A record
            // gives its bytes back to the budget before it waits there: a record it waits for may
            // still need room in the budget for its own document, and must not wait on this one.
            let ordinal = step.instance.isOrderSensitive ? input.ordinal : nil
            if let gate, let ordinal {
                if let budget, heldBytes > 0 {
                    budget.release(heldBytes)
                    heldBytes = 0
                }
                await gate.wait(ordinal)
            }
            defer { if let gate, let ordinal { gate.resolve(ordinal) } }
            let clock = ContinuousClock.now
            do {
                let next: Record?
                switch step.instance {
                case .cleaner(let cleaner): next = try await cleaner.clean(record, context: context)
                case .transform(let transform): next = try await transform.apply(to: record, context: context)
                }
                let seconds = (ContinuousClock.now - clock).seconds
                guard let next else {
                    timings.append((index + 1, seconds, .skipped))
                    return outcome(.skipped(record), hash: contentHash)
                }
                timings.append((index + 1, seconds, .passed))
                record = next
            } catch {
                timings.append((index + 1, (ContinuousClock.now - clock).seconds, .failed))
                // An error that does not say is permanent: the step given the same page fails the same way.
                let isPermanent = (error as? any FailureClassifying)?.isPermanent ?? true
                return outcome(.failed(record, step: step.label, reason: DeadLetter.reason(for: error), isPermanent: isPermanent), hash: contentHash)
            }
        }
        return outcome(.done(record), hash: contentHash)
    }
}

/// Thrown into a source when the run's `--limit` is reached; the runner catches it.
private struct LimitReached: Error {}

/// Admits records from all sources: each page once per run (by canonical URL: a feed and a sitemap
/// often list the same article), and no more than the run's limit.
private final class Admission: Sendable {
    enum Decision { case admitted, repeated, limitReached }

    private struct Counts {
        var admitted = 0
        var repeated = 0
        var seen: Set<String> = []
    }

    private let counts = Mutex(Counts())
    private let limit: Int?

    init(limit: Int?) {
        self.limit = limit
    }

    /// Whether a record may enter the run.
    func admit(_ record: Record) -> Decision {
        let key = CanonicalURL.canonical(record.url)
        return counts.withLock { counts in
            if let limit, counts.admitted >= limit { return .limitReached }
            guard counts.seen.insert(key).inserted else {
                counts.repeated += 1
                return .repeated
            }
            counts.admitted += 1
            return .admitted
        }
    }

    /// Records dropped because another source had sent the same page.
    var repeated: Int { counts.withLock { $0.repeated } }
}

extension Duration {
    /// The duration in seconds, as a Double.
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
