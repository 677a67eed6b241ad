import ArgumentParser
import ETLKit
import ETLPlugins
import Foundation
import Logging

/// `etl run FILE`: runs a pipeline to the end, with a progress line and a summary.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a pipeline.",
        discussion: """
            Records stream from the sources through the fetcher and steps to the sinks; a record that \
            fails any step goes to the dead-letter sink with the step and the reason, and the run goes on. \
            On a terminal a progress line shows done, failed and the rate; at the end a table accounts for \
            every record: in = written + skipped + dead letters.

            With a "state" file in the pipeline, runs are incremental: pages that answer 304 to a \
            conditional request, or whose text hashes as last time, are skipped as unchanged and not \
            written again. A page that failed for good (HTTP 404 or 410, disallowed by robots.txt, a \
            refused redirect or address, a binary or oversized body, rejected by a step such as "not \
            an article") is remembered and not asked again for a day, then 2, 4, 8, 16 and at most 30 \
            days after each new failure; it counts as skipped ("remembered failures"), not as a dead \
            letter. Other failures (network, timeouts, 429, 5xx) are tried again on the next run. \
            --retry-failed asks the remembered failures again now; --full-refresh fetches and writes \
            everything (remembered failures too, and still updates the state). See `etl state FILE`.

            Examples:
              etl run pipelines/demo.json
              PAGES='my-pages/*.html' OUT=/tmp/out etl run pipelines/demo.json
              etl run pipelines/persian-news.json --limit 20
              etl run pipelines/news-site.json --full-refresh
              etl run pipelines/news-site.json --retry-failed

            Ctrl-C (SIGINT) or SIGTERM stops the run cleanly: the sources stop, the records already \
            taken in are fetched, processed and written, the state is saved and the summary printed \
            (exit 130 or 143). A second Ctrl-C stops at once, keeping the last run's output in place.

            Exit codes: 0 every record went through (skipped ones and remembered failures included); \
            1 some records failed (dead letters) or the run \
            stopped early; 2 invalid pipeline or command line; 3 the run could not do its job (a sink \
            or the state failed, every source failed); 130 / 143 stopped by SIGINT / SIGTERM.
            """
    )

    @OptionGroup var pipeline: PipelineOptions

    @Option(name: .long, help: "Stop after this many records from the sources.")
    var limit: Int?

    @Flag(name: .long, help: "Ignore the state file's ETags and hashes: fetch and write every page (the state is still updated).")
    var fullRefresh = false

    @Flag(name: .long, help: "Fetch the URLs whose permanent failure the state file remembers, before their back-off has passed.")
    var retryFailed = false

    @Flag(name: .shortAndLong, help: "No progress line and no summary table.")
    var quiet = false

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .warning

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        let loaded = try pipeline.load()
        let level = logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let progress = (!quiet && Console.isErrorTerminal) ? ProgressLine() : nil
        var onProgress: (@Sendable (RunProgress) -> Void)?
        if let progress {
            onProgress = { snapshot in progress.update(snapshot) }
        }
        var stateStore: SQLiteStateStore?
        if let path = loaded.state {
            do {
                stateStore = try SQLiteStateStore(path: path)
            } catch {
                Console.error("error: \(error)")
                throw ExitCode(3)
            }
        }
        let stop = RunStop()
        let signals = SignalWatch(stop: stop)
        defer { signals.cancel() }
        let runner = PipelineRunner(pipeline: loaded, limit: limit, logger: Logger(label: "etl"),
                                    stateStore: stateStore, fullRefresh: fullRefresh, retryFailed: retryFailed,
                                    progress: onProgress, stop: stop)
        let summary: RunSummary
        do {
            summary = try await runner.run()
        } catch {
            progress?.finish()
            try? await stateStore?.close()
            Console.error("error: \(error)")
            throw ExitCode(3)
        }
        progress?.finish()
        do {
            try await stateStore?.close()
        } catch {
            Console.error("warning: \(error)")
        }
        if !quiet {
            // On standard error, as the progress line and the logs: standard output is the records'
            // when a sink writes there (`"path": "-"`), and stays clean for `etl run … | jq` otherwise.
            Console.error(SummaryTable(pipeline: loaded, summary: summary).text)
        }
        if let signal = signals.received { throw ExitCode(128 + signal) }
        if summary.exitCode != 0 { throw ExitCode(summary.exitCode) }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
