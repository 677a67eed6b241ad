import ETLKit
import Logging
import Subprocess

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One running process of a process plugin, spoken to in lines: lines go to its standard input in
/// the order sent, each line of its standard output goes to `onLine` in the order written, each
/// line of its standard error goes to the log (the last ones are kept for error messages), and
/// `onExit` hears how it ended. Started by swift-subprocess, in a process group of its own.
///
/// **Back-pressure.** The reader hands the next line to `onLine` only when the last call has
/// returned, and reads no further meanwhile: a process that writes faster than the pipeline takes
/// its lines blocks on its full pipe. Lines sent wait in an unbounded queue; the owners bound them
/// (``LineProcessPool`` by `inFlight`, a source sends none).
///
/// **Ending.** ``closeInput()`` closes standard input: a well-behaved program finishes and exits. One
/// that has not exited `closeGrace` later gets SIGTERM, and SIGKILL 2 s after that, as does one sent
/// ``terminate()``; signals go to its whole process group. When `onLine` throws (its owner wants no
/// more lines), the process is terminated too. Either way ``exit()`` returns how it ended.
///
/// Writing to a process that has exited must fail with EPIPE rather than kill etl, so the first
/// process ignores SIGPIPE for etl as a whole; the programs themselves start with the default.
final class LineProcess: Sendable {
    /// What goes to standard input.
    private enum Outgoing: Sendable {
        case line([UInt8])
        case endOfInput
    }

    /// The longest line of standard error kept whole in the log.
    static let standardErrorLineLimit = 16 * 1024
    /// How long a terminated process has between SIGTERM and SIGKILL.
    static let killGrace: Duration = .seconds(2)

    let command: ProcessCommand
    private let outgoing: AsyncStream<Outgoing>.Continuation
    private let stops: AsyncStream<Void>.Continuation
    private let ending = SharedState(Ending())

    private struct Ending: Sendable {
        var exit: ProcessExit?
        var waiters: [CheckedContinuation<ProcessExit, Never>] = []
    }

    /// Starts the process (in a task of its own; a program that cannot start ends at once with
    /// ``ProcessExit/Status/failedToStart(_:)``).
    ///
    /// - Parameters:
    ///   - label: How logs name it, such as the plugin's id.
    ///   - maximumLineLength: The longest output line passed whole to `onLine` (see ``LineSplitter``).
    ///   - closeGrace: How long the process may take to exit once its input is closed; nil for no limit.
    ///   - onLine: Each line of standard output, one call at a time; throwing stops the process.
    ///   - onExit: Called once, after ``exit()`` has its answer.
    init(
        command: ProcessCommand, label: String, logger: Logger, maximumLineLength: Int, closeGrace: Duration?,
        onLine: @escaping @Sendable (OutputLine) async throws -> Void,
        onExit: @escaping @Sendable (ProcessExit) async -> Void
    ) {
        _ = Self.brokenPipesIgnored
        self.command = command
        let (outgoingStream, outgoing) = AsyncStream.makeStream(of: Outgoing.self)
        let (stopStream, stops) = AsyncStream.makeStream(of: Void.self)
        self.outgoing = outgoing
        self.stops = stops
        let ending = self.ending
        Task {
            let exit = await Self.run(
                command, label: label, logger: logger, maximumLineLength: maximumLineLength, closeGrace: closeGrace,
                outgoing: outgoingStream, outgoingContinuation: outgoing, stops: stopStream, stopContinuation: stops, onLine: onLine)
            let waiters = ending.withLock { ending in
                ending.exit = exit
                defer { ending.waiters = [] }
                return ending.waiters
            }
            for waiter in waiters { waiter.resume(returning: exit) }
            await onExit(exit)
        }
    }

    /// Queues a line for standard input; `bytes` ends with its `\n`. Dropped once the process has ended.
    func send(_ bytes: [UInt8]) {
        outgoing.yield(.line(bytes))
    }

    /// Closes standard input once the lines queued before it are written.
    func closeInput() {
        outgoing.yield(.endOfInput)
    }

    /// Ends the process: SIGTERM to its process group, SIGKILL after ``killGrace``.
    func terminate() {
        stops.yield(())
    }

    /// How the process ended, once it has.
    func exit() async -> ProcessExit {
        await withCheckedContinuation { continuation in
            let exit: ProcessExit? = ending.withLock { ending in
                if let exit = ending.exit { return exit }
                ending.waiters.append(continuation)
                return nil
            }
            if let exit { continuation.resume(returning: exit) }
        }
    }

    /// Whether the process has ended.
    var hasEnded: Bool { ending.withLock { $0.exit != nil } }

    /// SIGPIPE ignored, once, before the first process starts.
    private static let brokenPipesIgnored: Bool = {
        signal(SIGPIPE, SIG_IGN)
        return true
    }()

    /// The parts of a running process that the body below waits for.
    private enum Part: Sendable {
        case standardOutput, standardError, other
    }

    private static func run(
        _ command: ProcessCommand, label: String, logger: Logger, maximumLineLength: Int, closeGrace: Duration?,
        outgoing: AsyncStream<Outgoing>, outgoingContinuation: AsyncStream<Outgoing>.Continuation,
        stops: AsyncStream<Void>, stopContinuation: AsyncStream<Void>.Continuation,
        onLine: @escaping @Sendable (OutputLine) async throws -> Void
    ) async -> ProcessExit {
        let tail = SharedState(StandardErrorTail())
        let result: ExecutionResult<Void, SequenceOutput, SequenceOutput>
        do {
            result = try await Subprocess.run(command.configuration, input: .inputWriter, output: .sequence, error: .sequence) { execution in
                var logger = logger
                logger[metadataKey: "pid"] = "\(execution.processIdentifier.value)"
                logger.debug("\(label) started: \(command)")
                let processLogger = logger
                await withTaskGroup(of: Part.self) { group in
                    // Standard input: the queued lines, in order. After a failed write (the process has
                    // gone) the rest are dropped; the owner learns why from the exit.
                    group.addTask {
                        var broken = false
                        for await item in outgoing {
                            switch item {
                            case .line(let bytes):
                                guard !broken else { continue }
                                do {
                                    _ = try await execution.standardInputWriter.write(bytes)
                                } catch {
                                    broken = true
                                    processLogger.debug("\(label): cannot write to the process: \(error)")
                                }
                            case .endOfInput:
                                try? await execution.standardInputWriter.finish()
                                guard let closeGrace else { return .other }
                                // Cancelled when the process ends in time.
                                guard (try? await Task.sleep(for: closeGrace)) != nil else { return .other }
                                processLogger.warning("\(label) has not exited \(closeGrace) after the end of its input; stopping it")
                                stopContinuation.yield(())
                                return .other
                            }
                        }
                        return .other
                    }
                    // Stops: SIGTERM to the process group, then SIGKILL.
                    group.addTask {
                        for await _ in stops {
                            try? execution.send(signal: .terminate, toProcessGroup: true)
                            guard (try? await Task.sleep(for: killGrace)) != nil else { return .other }
                            try? execution.send(signal: .kill, toProcessGroup: true)
                            return .other
                        }
                        return .other
                    }
                    // Standard error: to the log, line by line, and the last lines kept.
                    group.addTask {
                        var splitter = LineSplitter(limit: standardErrorLineLimit)
                        func report(_ line: OutputLine) {
                            let text = String(decoding: line.bytes, as: UTF8.self)
                            tail.withLock { $0.append(text) }
                            processLogger.warning("\(label) stderr: \(text)\(line.isTruncated ? "…" : "")")
                        }
                        do {
                            for try await buffer in execution.standardError {
                                for line in buffer.withUnsafeBytes({ splitter.append($0) }) { report(line) }
                            }
                        } catch {
                            processLogger.debug("\(label): reading standard error failed: \(error)")
                        }
                        if let last = splitter.finish() { report(last) }
                        return .standardError
                    }
                    // Standard output: each line to the owner, one at a time.
                    group.addTask {
                        var splitter = LineSplitter(limit: maximumLineLength)
                        var listening = true
                        func deliver(_ line: OutputLine) async {
                            guard listening else { return }
                            do {
                                try await onLine(line)
                            } catch {
                                // The owner wants no more: the process is stopped, its output drained.
                                listening = false
                                stopContinuation.yield(())
                            }
                        }
                        do {
                            for try await buffer in execution.standardOutput {
                                for line in buffer.withUnsafeBytes({ splitter.append($0) }) { await deliver(line) }
                            }
                        } catch {
                            processLogger.debug("\(label): reading standard output failed: \(error)")
                        }
                        if let last = splitter.finish() { await deliver(last) }
                        return .standardOutput
                    }
                    // Both outputs end when the process does (or closes them): then nothing more is
                    // written to it, and whatever still waits for a stop or a grace period is over.
                    var open: Set<String> = ["out", "err"]
                    while let part = await group.next() {
                        switch part {
                        case .standardOutput: open.remove("out")
                        case .standardError: open.remove("err")
                        case .other: break
                        }
                        if open.isEmpty {
                            outgoingContinuation.finish()
                            stopContinuation.finish()
                            group.cancelAll()
                        }
                    }
                }
            }
        } catch {
            outgoingContinuation.finish()
            stopContinuation.finish()
            logger.error("\(label) could not start \(command): \(error)")
            return ProcessExit(status: .failedToStart("\(error)"), standardErrorTail: tail.withLock { $0.text })
        }
        let status: ProcessExit.Status
        switch result.terminationStatus {
        case .exited(let code): status = .exited(Int32(code))
        case .signaled(let signal): status = .signaled(Int32(signal))
        }
        let exit = ProcessExit(status: status, standardErrorTail: tail.withLock { $0.text })
        logger.debug("\(label) ended: \(exit)")
        return exit
    }
}
