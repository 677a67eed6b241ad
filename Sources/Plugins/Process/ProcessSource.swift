import ETLKit
import Logging

/// Source `process-source`: a program in any language finds the work, writing one record a line
/// on its standard output.
///
/// The protocol: each line is a JSON object with at least `url` (absolute http, https or file),
/// and any other members become the record's fields (a title or date the program already knows);
/// the lines are read as they come, so the pipeline starts while the program still runs, and a
/// program that writes faster than the pipeline takes its records waits on its full pipe. Its
/// standard input is empty; its standard error goes to the log. The program exits with status 0
/// when it has written everything.
///
/// A line that is not such an object is logged and skipped, and the source fails at the end
/// (a dead letter that names the first bad line and how many there were). A nonzero exit is an
/// error with the end of the program's standard error (`restarts` runs it again first: the run
/// takes each URL once, so what it sends again is not doubled). With `timeout`, a program that
/// writes no line for that long (waiting for the pipeline does not count) is stopped and fails.
/// The URLs' hosts are not "named": a private address needs the `http` fetcher's `allowPrivate`.
public struct ProcessSource: Source {
    public static let descriptor = PluginDescriptor(
        id: "process-source",
        kind: .source,
        summary: "Records from a program in any language: one JSON object a line, each with at least a url.",
        discussion: """
            The program writes one JSON object per line on its standard output, each with at least "url" \
            (http, https or file); its other members become the record's fields. Lines are read as they come, \
            with back-pressure. Standard error goes to the log. A line that is not such an object is skipped \
            and reported; a nonzero exit is an error with the end of standard error.
            """,
        options: ProcessCommand.options + [Option.timeout.spec, Option.restarts.spec]
    )

    public let command: ProcessCommand
    public let timeout: Duration?
    public let restarts: Int

    /// The options besides the program's (``ProcessCommand``), each declared once (``OptionKey``).
    enum Option {
        static let timeout: OptionKey<Double> = .number(
            "timeout", minimum: 0, default: 0,
            "Seconds the program may go without writing a line (time spent waiting for the pipeline does not count); then it is stopped and the source fails. 0: no limit."
        )
        static let restarts: OptionKey<Int> = .integer(
            "restarts", minimum: 0, default: 0,
            "How many times a program that exits with a nonzero status (or times out) is run again; the URLs it sends again are taken once.")
    }

    public init(options: PluginOptions) throws {
        command = try ProcessCommand(options: options)
        let seconds = options[Option.timeout]
        timeout = seconds > 0 ? .milliseconds(Int64((seconds * 1000).rounded())) : nil
        restarts = options[Option.restarts]
    }

    public func produce(into output: RecordOutput, context: RunContext) async throws {
        var failures = 0
        while true {
            do {
                try await runOnce(into: output, context: context)
                return
            } catch let failure as ProcessPluginError where failure.code == .exited || failure.code == .timedOut {
                failures += 1
                guard failures <= restarts else { throw failure }
                context.logger.warning("process-source \(command): \(failure.message); running it again (\(failures) of \(restarts))")
            }
        }
    }

    /// What one run of the program has read so far.
    private struct Progress: Sendable {
        var lines = 0
        var badLines = 0
        var firstBadLine: String?
        /// Since when the source has been waiting for the program's next line; nil while a record is handed on.
        var waitingSince: ContinuousClock.Instant? = .now
        /// What the pipeline threw when it wanted no more (the runner's own signal, passed on).
        var stop: (any Error)?
        var timedOut = false
    }

    private func runOnce(into output: RecordOutput, context: RunContext) async throws {
        let progress = SharedState(Progress())
        let logger = context.logger
        let command = command
        let process = LineProcess(
            command: command, label: Self.descriptor.id, logger: logger, maximumLineLength: 256 * 1024 * 1024, closeGrace: nil,
            onLine: { line in
                let number = progress.withLock { progress in
                    progress.lines += 1
                    progress.waitingSince = nil
                    return progress.lines
                }
                defer { progress.withLock { $0.waitingSince = .now } }
                let record: Record
                do {
                    record = try Self.record(from: line)
                } catch {
                    let problem = "line \(number) \(error): \(ProcessPluginError.quote(line.bytes))"
                    logger.warning("process-source \(command): skipped \(problem)")
                    progress.withLock { progress in
                        progress.badLines += 1
                        if progress.firstBadLine == nil { progress.firstBadLine = problem }
                    }
                    return
                }
                do {
                    try await output.send(record)
                } catch {
                    progress.withLock { $0.stop = error }
                    throw error
                }
            },
            onExit: { _ in })
        process.closeInput()
        let watchdog: Task<Void, Never>? = timeout.map { timeout in
            Task {
                while !Task.isCancelled {
                    let since = progress.withLock { $0.waitingSince }
                    let idle = since.map { ContinuousClock.now - $0 } ?? .zero
                    if idle >= timeout {
                        progress.withLock { $0.timedOut = true }
                        process.terminate()
                        return
                    }
                    guard (try? await Task.sleep(for: timeout - idle)) != nil else { return }
                }
            }
        }
        let exit = await withTaskCancellationHandler {
            await process.exit()
        } onCancel: {
            process.terminate()
        }
        watchdog?.cancel()
        let result = progress.withLock { $0 }
        if let stop = result.stop { throw stop }
        try Task.checkCancellation()
        if result.timedOut {
            throw ProcessPluginError(
                .timedOut,
                "process-source wrote no line for \(LineProcessPool.seconds(timeout ?? .zero)) s, and was stopped after \(result.lines) line\(result.lines == 1 ? "" : "s")",
                command: command.description, exit: exit)
        }
        guard exit.isSuccess else {
            throw ProcessPluginError(
                .exited, "process-source: \(exit), after \(result.lines) line\(result.lines == 1 ? "" : "s")", command: command.description, exit: exit)
        }
        if let first = result.firstBadLine {
            throw ProcessPluginError(
                .malformedLine,
                "process-source wrote \(result.badLines) line\(result.badLines == 1 ? "" : "s") that \(result.badLines == 1 ? "is" : "are") not a record (a JSON object with a url); the first: \(first)",
                command: command.description)
        }
    }

    /// Why a line is not a record, as a clause after "line N" ("is not JSON").
    struct LineProblem: Error, CustomStringConvertible {
        var description: String
    }

    /// The record a line stands for: a JSON object with a `url` this source accepts.
    static func record(from line: OutputLine) throws(LineProblem) -> Record {
        guard !line.isTruncated else { throw LineProblem(description: "is \(line.length) bytes long, longer than etl reads") }
        guard let value = try? JSONNodeParser.parse(bytes: line.bytes).value else {
            throw LineProblem(description: line.bytes.isEmpty ? "is empty" : "is not JSON")
        }
        guard case .object(var fields) = value else { throw LineProblem(description: "is \(value.typeDescription), not an object") }
        guard let url = fields.removeValue(forKey: "url")?.stringValue else { throw LineProblem(description: "has no \"url\" string") }
        if let problem = URLListSource.problem(with: url) { throw LineProblem(description: "has a url that \(problem)") }
        return Record(url: url, source: descriptor.id, fields: fields)
    }
}
