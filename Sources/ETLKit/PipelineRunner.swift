import AsyncAlgorithms
import Foundation
import Logging
import Synchronization

/// Runs a pipeline: sources → fetch → steps → sinks, with dead letters for what fails.
///
/// Records stream through three stages joined by rendezvous channels, so memory holds at most
/// ``Pipeline/concurrency`` records in flight however many pages a run sees:
/// - the sources, all at once, send records into the first channel (they wait while it is full);
/// - `concurrency` workers each take a record, fetch it and run the steps, and send the outcome on;
/// - one writer hands outcomes to the sinks (so a sink sees one write at a time) or, for a failure,
///   to the dead-letter sink, and keeps the counts.
///
/// A failing record never stops the run. A sink that cannot be opened, or a dead-letter sink that
/// cannot be written (nothing may be lost silently), does: ``RunError``.
public struct PipelineRunner: Sendable {
    public var pipeline: Pipeline
    /// Stop after this many records from the sources.
    public var limit: Int?
    public var logger: Logger
    /// Called by the writer after each outcome; keep it cheap.
    public var progress: (@Sendable (RunProgress) -> Void)?

    public init(pipeline: Pipeline, limit: Int? = nil, logger: Logger = Logger(label: "etl"), progress: (@Sendable (RunProgress) -> Void)? = nil) {
        self.pipeline = pipeline
        self.limit = limit
        self.logger = logger
        self.progress = progress
    }

    /// What ended a record's way through the workers.
    private enum Outcome: Sendable {
        case done(Record)
        case skipped(Record)
        case failed(Record, step: String, reason: String)
        case sourceFailed(Record, step: String, reason: String)
    }

    /// An outcome with the time each step took (index into the summary's steps).
    private struct TimedOutcome: Sendable {
        var outcome: Outcome
        var timings: [(step: Int, seconds: Double, result: StepResult)]
    }

    private enum StepResult: Sendable { case passed, skipped, failed }

    /// Labels of the processing stages in summary order: fetch, then each step.
    private var stageLabels: [String] {
        ["fetch"] + pipeline.steps.map(\.label)
    }

    public func run() async throws(RunError) -> RunSummary {
        let context = RunContext(logger: logger)
        let started = ContinuousClock.now
        var openedSinks: [PipelineStage<any Sink>] = []
        let allSinks = pipeline.sinks + [pipeline.deadLetters]
        for sink in allSinks {
            do {
                try await sink.instance.open(context: context)
                openedSinks.append(sink)
            } catch {
                await close(openedSinks)
                throw RunError.sinkOpen(sink: sink.label, path: sink.path, reason: DeadLetter.reason(for: error))
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
            result = .failure(.interrupted(reason: DeadLetter.reason(for: error)))
        }
        await close(openedSinks)
        return try result.get()
    }

    private func close(_ sinks: [PipelineStage<any Sink>]) async {
        for sink in sinks {
            do {
                try await sink.instance.close()
            } catch {
                logger.error("closing sink \(sink.label) failed: \(error)")
            }
        }
    }

    private func stream(summary initial: RunSummary, context: RunContext, started: ContinuousClock.Instant) async throws -> RunSummary {
        let inbound = AsyncChannel<Record>()
        let outbound = AsyncChannel<TimedOutcome>()
        let admission = Admission(limit: limit)

        return try await withThrowingTaskGroup(of: Void.self) { group in
            // Sources, all at once.
            group.addTask {
                await withTaskGroup(of: Void.self) { sources in
                    for source in pipeline.sources {
                        sources.addTask {
                            let output = RecordOutput { record in
                                guard admission.admit() else { throw LimitReached() }
                                await inbound.send(record)
                            }
                            do {
                                try await source.instance.produce(into: output, context: context)
                            } catch is LimitReached {
                                return
                            } catch is CancellationError {
                                return
                            } catch {
                                let failed = Record(url: source.path.description, source: source.id)
                                await outbound.send(TimedOutcome(outcome: .sourceFailed(failed, step: "source:\(source.label)", reason: DeadLetter.reason(for: error)), timings: []))
                            }
                        }
                    }
                }
                inbound.finish()
            }
            // Workers.
            group.addTask {
                await withTaskGroup(of: Void.self) { workers in
                    for _ in 0..<max(1, pipeline.concurrency) {
                        workers.addTask {
                            for await record in inbound {
                                await outbound.send(await process(record, context: context))
                            }
                        }
                    }
                }
                outbound.finish()
            }

            // The writer, in this task.
            var summary = initial
            let sinkStepOffset = stageLabels.count
            for await timed in outbound {
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
                    } else {
                        summary.written += 1
                    }
                case .skipped:
                    summary.input += 1
                    summary.skipped += 1
                case .failed(let record, let step, let reason):
                    summary.input += 1
                    try await writeDeadLetter(DeadLetter.record(for: record, step: step, reason: reason))
                    summary.deadLetters += 1
                case .sourceFailed(let record, let step, let reason):
                    logger.error("\(step) failed: \(reason)")
                    try await writeDeadLetter(DeadLetter.record(for: record, step: step, reason: reason))
                    summary.sourceFailures += 1
                }
                if let progress {
                    progress(RunProgress(input: summary.input, written: summary.written, skipped: summary.skipped,
                                         failed: summary.deadLetters, seconds: (ContinuousClock.now - started).seconds))
                }
            }
            try await group.waitForAll()
            summary.seconds = (ContinuousClock.now - started).seconds
            return summary
        }
    }

    private func writeDeadLetter(_ record: Record) async throws(RunError) {
        do {
            try await pipeline.deadLetters.instance.write(record)
        } catch {
            throw RunError.deadLetterWrite(url: record.url, reason: DeadLetter.reason(for: error))
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
    /// (`etl extract` uses this to show one page's record).
    public func process(_ record: Record) async -> RecordResult {
        let timed = await process(record, context: RunContext(logger: logger))
        switch timed.outcome {
        case .done(let record): return .done(record)
        case .skipped(let record): return .skipped(record, step: timed.timings.last.map { stageLabels[$0.step] } ?? "")
        case .failed(let record, let step, let reason), .sourceFailed(let record, let step, let reason):
            return .failed(record, step: step, reason: reason)
        }
    }

    /// Fetches a record and runs the steps on it.
    private func process(_ input: Record, context: RunContext) async -> TimedOutcome {
        var record = input
        var timings: [(step: Int, seconds: Double, result: StepResult)] = []

        if record.document == nil {
            guard let fetcher = pipeline.fetcher(for: record.url) else {
                let schemes = pipeline.fetchers.flatMap { $0.instance.schemes }.sorted().joined(separator: ", ")
                timings.append((0, 0, .failed))
                return TimedOutcome(outcome: .failed(record, step: "fetch", reason: "no fetcher reads \"\(Pipeline.scheme(of: record.url))\" URLs (the pipeline's fetchers read: \(schemes))"), timings: timings)
            }
            let clock = ContinuousClock.now
            do {
                record = try await fetcher.instance.fetch(record, context: context)
                timings.append((0, (ContinuousClock.now - clock).seconds, .passed))
            } catch {
                timings.append((0, (ContinuousClock.now - clock).seconds, .failed))
                return TimedOutcome(outcome: .failed(record, step: "fetch:\(fetcher.label)", reason: DeadLetter.reason(for: error)), timings: timings)
            }
        }

        for (index, step) in pipeline.steps.enumerated() {
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
                    return TimedOutcome(outcome: .skipped(record), timings: timings)
                }
                timings.append((index + 1, seconds, .passed))
                record = next
            } catch {
                timings.append((index + 1, (ContinuousClock.now - clock).seconds, .failed))
                return TimedOutcome(outcome: .failed(record, step: step.label, reason: DeadLetter.reason(for: error)), timings: timings)
            }
        }
        return TimedOutcome(outcome: .done(record), timings: timings)
    }
}

/// Thrown into a source when the run's `--limit` is reached; the runner catches it.
private struct LimitReached: Error {}

/// Counts records admitted from all sources against the run's limit.
private final class Admission: Sendable {
    private let count = Mutex(0)
    private let limit: Int?

    init(limit: Int?) {
        self.limit = limit
    }

    /// Whether one more record may enter the run.
    func admit() -> Bool {
        count.withLock { count in
            if let limit, count >= limit { return false }
            count += 1
            return true
        }
    }
}

/// Why a run stopped before its end.
public enum RunError: Error, Sendable, CustomStringConvertible {
    /// A sink could not be opened; nothing was processed.
    case sinkOpen(sink: String, path: JSONPath, reason: String)
    /// The dead-letter sink failed: continuing would lose records.
    case deadLetterWrite(url: String, reason: String)
    /// The run was cancelled or failed for another reason.
    case interrupted(reason: String)

    public var description: String {
        switch self {
        case .sinkOpen(let sink, let path, let reason): return "cannot open sink \"\(sink)\" (\(path)): \(reason)"
        case .deadLetterWrite(let url, let reason): return "the dead-letter sink failed for \(url), stopping so that nothing is lost: \(reason)"
        case .interrupted(let reason): return "the run stopped: \(reason)"
        }
    }
}

extension Duration {
    /// The duration in seconds, as a Double.
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
