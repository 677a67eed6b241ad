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
            On a terminal a progress line shows done, failed and the rate; elsewhere (cron, a log file) \
            a progress line is written every 30 seconds (--progress-every). At the end a table accounts \
            for every record: in = written + skipped + dead letters. The summary, progress and logs go \
            to standard error, so standard output stays the records' (a sink with "path": "-"); \
            --log-format json writes them all as JSON Lines.

            With a "state" file in the pipeline, runs are incremental: pages that answer 304 to a \
            conditional request, or whose text hashes as last time, are skipped as unchanged and not \
            written again. A page that failed for good (HTTP 404 or 410, disallowed by robots.txt, a \
            refused redirect or address, a binary or oversized body, rejected by a step such as "not \
            an article") is remembered and not asked again for a day, then 2, 4, 8, 16 and at most 30 \
            days after each new failure; it counts as skipped ("remembered failures"), not as a dead \
            letter. Other failures (network, timeouts, 429, 5xx) are tried again on the next run. \
            --retry-failed asks the remembered failures again now; --full-refresh fetches and writes \
            everything (remembered failures too, and still updates the state). See `etl state FILE`.

            With the state in PostgreSQL ("state": "postgres://..."), every `etl run` of the pipeline, \
            on this machine or others, is a worker of one crawl: the sources' URLs go to a shared \
            frontier, each worker claims batches of them with leases (renewed every third of --lease) \
            and marks them done once its sinks have them; per-host delays, Crawl-delay, Retry-After \
            and robots.txt hold across all workers. A worker ends when the frontier is empty and no \
            other live worker's sources are still adding; a killed worker's URLs go to the others when \
            its leases run out. See the README's "Scaling out".

            Examples:
              etl run pipelines/demo.json
              PAGES='my-pages/*.html' OUT=/tmp/out etl run pipelines/demo.json
              etl run pipelines/persian-news.json --limit 20
              etl run pipelines/news-site.json --full-refresh
              etl run pipelines/news-site.json --retry-failed

            Ctrl-C (SIGINT) or SIGTERM stops the run cleanly: the sources stop, the records already \
            taken in are fetched, processed and written, the state is saved and the summary printed \
            (exit 130 or 143). A second Ctrl-C stops at once, keeping the last run's output in place, and \
            so does the end of --stop-grace (60 s) when the records in flight take longer.

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

    @Option(
        name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical. At info, one line per URL (status, bytes, milliseconds, outcome).")
    var logLevel: Logger.Level = .warning

    @Option(name: .long, help: "text, or json: every log line, progress report and the summary as one JSON object per line on standard error.")
    var logFormat: LogFormat = .text

    @Option(
        name: .long,
        help: ArgumentHelp("When standard error is not a terminal (cron, a log file), write a progress line this often; 0 for none.", valueName: "seconds"))
    var progressEvery: Int = 30

    @Option(
        name: .long,
        help: ArgumentHelp("After a first Ctrl-C or SIGTERM, how long the records in flight may take before the run stops at once.", valueName: "seconds"))
    var stopGrace: Int = 60

    @Option(
        name: .long,
        help: ArgumentHelp(
            "With a state in PostgreSQL (shared by workers): how long a URL a worker claimed stays its own without a renewal; a killed worker's URLs go to others after this.",
            valueName: "seconds"))
    var lease: Double = 60

    @Option(
        name: .long, help: ArgumentHelp("With a state in PostgreSQL: this worker's name in `etl state` (default: host name and process id).", valueName: "name")
    )
    var worker: String?

    func validate() throws {
        if !(lease >= 1) { throw ValidationError("--lease must be at least 1 second") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        if progressEvery < 0 { throw ValidationError("--progress-every must be 0 (no progress lines) or a number of seconds") }
        if stopGrace < 1 { throw ValidationError("--stop-grace must be at least 1 second") }
    }

    func run() async throws {
        let loaded = try pipeline.load()
        logFormat.bootstrap(level: logLevel)
        // A redrawn line on a terminal; elsewhere (cron, a log file, JSON logs) a line every few seconds.
        let live = !quiet && Console.isErrorTerminal && logFormat == .text
        let progress = live ? ProgressLine() : nil
        let report = !quiet && !live && progressEvery > 0 ? ProgressReport(every: .seconds(progressEvery), format: logFormat) : nil
        var onProgress: (@Sendable (RunProgress) -> Void)?
        if let progress {
            onProgress = { snapshot in progress.update(snapshot) }
        } else if let report {
            onProgress = { snapshot in report.update(snapshot) }
        }
        var stateStore: (any InspectableStateStore)?
        if let location = loaded.state {
            do {
                stateStore = try await StateStores.open(location)
            } catch {
                logFormat.report("error", "\(error)")
                throw ExitCode(3)
            }
        }
        let stop = RunStop()
        let signals = SignalWatch(stop: stop, grace: .seconds(stopGrace))
        defer { signals.cancel() }
        var runner = PipelineRunner(
            pipeline: loaded, limit: limit, logger: Logger(label: "etl"),
            stateStore: stateStore, fullRefresh: fullRefresh, retryFailed: retryFailed,
            progress: onProgress, stop: stop)
        runner.lease = .milliseconds(Int64(lease * 1000))
        if let worker { runner.workerName = worker }
        let summary: RunSummary
        do {
            summary = try await runner.run()
        } catch {
            progress?.finish()
            report?.finish()
            try? await stateStore?.close()
            logFormat.report("error", "\(error)")
            throw ExitCode(3)
        }
        progress?.finish()
        report?.finish()
        do {
            try await stateStore?.close()
        } catch {
            logFormat.report("warning", "\(error)")
        }
        if !quiet {
            // On standard error, as the progress line and the logs: standard output is the records'
            // when a sink writes there (`"path": "-"`), and stays clean for `etl run … | jq` otherwise.
            let table = SummaryTable(pipeline: loaded, summary: summary)
            switch logFormat {
            case .text: Console.error(table.text)
            case .json: JSONLogHandler.write(table.json)
            }
        }
        if let signal = signals.received { throw ExitCode(128 + signal) }
        if summary.exitCode != 0 { throw ExitCode(summary.exitCode) }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
