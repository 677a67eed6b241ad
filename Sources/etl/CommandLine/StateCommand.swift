import ArgumentParser
import ETLKit
import ETLPlugins
import Foundation

/// `etl state FILE`: what the pipeline's state file holds (counts, or the URLs done or failed, or
/// one URL's entry); `--forget URL` and `--clear` remove entries. FILE may also be the state's
/// PostgreSQL URL itself (`etl state "$DATABASE_URL"`): a database has no pipeline file of its own
/// to name it, and the URL cannot be mistaken for a file's path (``StateLocation``).
struct StateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state",
        abstract: "Show or edit a pipeline's state (the URLs its incremental runs remember).",
        discussion: """
            FILE is the pipeline file; its "state" member names the state: a SQLite file, or a PostgreSQL \
            database (postgres://...; shown with its password as ***). FILE may also be such a URL \
            itself, for a state in PostgreSQL without its pipeline. Without options, prints \
            how many URLs are done and failed, the total and the last fetch; for a state in \
            PostgreSQL also the workers' round (URLs queued, leased, done, claimed again), each \
            worker (alive, stopped, or lost: killed without a word, its leases going to others), the \
            URLs it holds and has done, and the hosts with the most URLs still to do.

            --done lists the URLs done, one a line with its last fetch. --failed lists the URLs that \
            failed with the reason, the failed runs in a row, whether the failure is permanent (404, \
            410, robots.txt, "not an article", ...: remembered and not asked again until its back-off \
            has passed) or transient (tried next run), and when it will be tried again. --url URL \
            prints one URL's entry. --forget URL removes one URL's entry, so the next run fetches it as \
            new; --clear forgets every URL, so the next run fetches and writes everything.

            Examples:
              etl state pipelines/news-site.json
              etl state pipelines/news-site.json --failed
              etl state pipelines/news-site.json --url https://example.com/news/1
              etl state pipelines/news-site.json --forget https://example.com/news/1
              etl state pipelines/news-site.json --clear
              etl state "$DATABASE_URL" --failed

            Exit codes: 0 done; 1 the state file cannot be read, or --url names a URL it does not hold; \
            2 invalid pipeline, command line or no "state" member.
            """
    )

    @OptionGroup var pipeline: PipelineOptions

    @Flag(name: .long, help: "List the URLs done, with their last fetch.")
    var done = false

    @Flag(name: .long, help: "List the URLs that failed, with the reason, attempts, permanence and next try.")
    var failed = false

    @Option(name: .long, help: ArgumentHelp("Print one URL's entry.", valueName: "URL"))
    var url: String?

    @Option(name: .long, help: ArgumentHelp("Forget one URL, so the next run fetches it as new.", valueName: "URL"))
    var forget: String?

    @Flag(name: .long, help: "Forget every URL in the state file.")
    var clear = false

    func validate() throws {
        let chosen = [
            done ? "--done" : nil, failed ? "--failed" : nil, url.map { _ in "--url" },
            forget.map { _ in "--forget" }, clear ? "--clear" : nil,
        ].compactMap { $0 }
        if chosen.count > 1 {
            throw ValidationError("\(chosen.joined(separator: " and ")) cannot be used together: choose one")
        }
    }

    func run() async throws {
        let location: String
        if StateLocation.isDatabaseURL(pipeline.file) {
            // The state's URL itself: checked as `etl validate` checks it, before connecting.
            if let problem = StateStores.databaseURLProblem(pipeline.file) {
                Console.error("error: \(StateStores.displayName(pipeline.file)) is not a PostgreSQL URL that libpq reads: \(problem)")
                throw ExitCode(2)
            }
            location = pipeline.file
        } else {
            let loaded = try pipeline.load()
            guard let state = loaded.state else {
                Console.error("\(pipeline.file): the pipeline has no \"state\" member, so its runs keep no state")
                throw ExitCode(2)
            }
            location = state
        }
        // What the lines name: the file's path, or the database's URL without its password.
        let path = StateStores.displayName(location)
        // A database has no "not yet": opening makes its tables when they are missing.
        guard StateLocation.isDatabaseURL(location) || FileManager.default.fileExists(atPath: location) else {
            if url != nil {
                Console.error("state \(path): no state file yet (no run has recorded any URL)")
                throw ExitCode(1)
            }
            print(
                clear || forget != nil
                    ? "state \(path): nothing to forget (no state file yet)" : "state \(path): no state file yet (no run has recorded any URL)")
            return
        }
        let store: any InspectableStateStore
        do {
            store = try await StateStores.open(location)
        } catch {
            Console.error("error: \(error)")
            throw ExitCode(1)
        }
        let found: Bool
        do {
            found = try await show(store, path: path)
            try await store.close()
        } catch {
            try? await store.close()
            Console.error("error: \(error)")
            throw ExitCode(1)
        }
        if !found { throw ExitCode(1) }
    }

    /// Does what the options ask; false when `--url` names a URL the store does not hold.
    private func show(_ store: any InspectableStateStore, path: String) async throws -> Bool {
        let now = Date()
        func text(_ entry: StateEntry) -> StateEntryText {
            StateEntryText(entry: entry, backoff: .standard, now: now)
        }
        if clear {
            let removed = try await store.clear()
            print("state \(path): cleared \(removed) URL\(removed == 1 ? "" : "s")")
        } else if let forget {
            let canonical = CanonicalURL.canonical(forget)
            let removed = try await store.forget(canonical)
            print(removed ? "state \(path): forgot \(canonical)" : "state \(path): \(canonical) was not in it; nothing to forget")
        } else if let url {
            let canonical = CanonicalURL.canonical(url)
            guard let entry = try await store.entry(for: canonical) else {
                Console.error("state \(path): \(canonical) is not in it (no run has recorded it, or it was forgotten)")
                return false
            }
            print(text(entry).block)
        } else if done {
            for entry in try await store.entries(withStatus: .done) { print(text(entry).line) }
        } else if failed {
            let blocks = try await store.entries(withStatus: .failed).map { text($0).block }
            if !blocks.isEmpty { print(blocks.joined(separator: "\n\n")) }
        } else {
            let counts = try await store.counts()
            print("state \(path)")
            print("  done        \(counts.done)")
            print("  failed      \(counts.failed)")
            print("  total       \(counts.total)")
            print("  last fetch  \(counts.lastFetch.map { Timestamp.iso8601($0) } ?? "never")")
            if let frontier = (store as? PostgresStateStore)?.frontier as? PostgresFrontier {
                print(Self.text(of: try await frontier.overview()), terminator: "")
            }
        }
        return true
    }

    /// The shared work of a state in PostgreSQL: the last round, its workers, the hosts with URLs
    /// to do.
    static func text(of overview: FrontierOverview) -> String {
        guard let round = overview.round else { return "round       none yet (no worker has joined)\n" }
        func time(_ date: Date?) -> String { date.map { Timestamp.iso8601($0) } ?? "-" }
        var lines = [
            "round \(round.number)     " + (round.finished.map { "finished \(time($0))" } ?? "open since \(time(round.started))"),
            "  queued      \(round.queued)",
            "  leased      \(round.leased)",
            "  done        \(round.done)",
            "  claimed again \(round.claimedAgain) (their worker died or stopped holding them)",
        ]
        if !overview.workers.isEmpty {
            lines.append("workers")
            let width = max(8, overview.workers.map(\.id.count).max() ?? 0)
            lines.append("  " + "WORKER".padding(toLength: width, withPad: " ", startingAt: 0) + "  STATE    LEASES  DONE    SOURCES   LAST SEEN")
            for worker in overview.workers {
                let columns = [
                    worker.id.padding(toLength: width, withPad: " ", startingAt: 0),
                    worker.state.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0),
                    String(worker.leases).padding(toLength: 6, withPad: " ", startingAt: 0),
                    String(worker.done).padding(toLength: 6, withPad: " ", startingAt: 0),
                    (worker.sourcesFinished ? "finished" : "running").padding(toLength: 8, withPad: " ", startingAt: 0),
                    time(worker.lastSeen),
                ]
                lines.append("  " + columns.joined(separator: "  "))
            }
        }
        if !overview.hosts.isEmpty {
            lines.append("hosts with URLs to do")
            let width = max(8, overview.hosts.map(\.name.count).max() ?? 0)
            for host in overview.hosts {
                lines.append("  \(host.name.padding(toLength: width, withPad: " ", startingAt: 0))  queued \(host.queued), leased \(host.leased)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
