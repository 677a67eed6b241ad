import ArgumentParser
import ETLKit
import ETLPlugins
import Foundation

/// `etl state FILE`: what the pipeline's state file holds; `--clear` empties it.
struct StateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state",
        abstract: "Show or clear a pipeline's state (the URLs its incremental runs remember).",
        discussion: """
            FILE is the pipeline file; its "state" member names the state file. Prints the URLs done \
            and failed, the total and the last fetch. --clear forgets every URL, so the next run \
            fetches and writes everything.

            Examples:
              etl state pipelines/news-site.json
              etl state pipelines/news-site.json --clear

            Exit codes: 0 done; 1 the state file cannot be read; 2 invalid pipeline or no "state" member.
            """
    )

    @OptionGroup var pipeline: PipelineOptions

    @Flag(name: .long, help: "Forget every URL in the state file.")
    var clear = false

    func run() async throws {
        let loaded = try pipeline.load()
        guard let path = loaded.state else {
            Console.error("\(pipeline.file): the pipeline has no \"state\" member, so its runs keep no state")
            throw ExitCode(2)
        }
        guard FileManager.default.fileExists(atPath: path) else {
            print(clear ? "state \(path): nothing to clear (no state file yet)" : "state \(path): no state file yet (no run has recorded any URL)")
            return
        }
        let store: SQLiteStateStore
        do {
            store = try SQLiteStateStore(path: path)
        } catch {
            Console.error("error: \(error)")
            throw ExitCode(1)
        }
        do {
            if clear {
                let removed = try await store.clear()
                try await store.close()
                print("state \(path): cleared \(removed) URL\(removed == 1 ? "" : "s")")
                return
            }
            let counts = try await store.counts()
            try await store.close()
            print("state \(path)")
            print("  done        \(counts.done)")
            print("  failed      \(counts.failed)")
            print("  total       \(counts.total)")
            print("  last fetch  \(counts.lastFetch.map { Timestamp.iso8601($0) } ?? "never")")
        } catch {
            try? await store.close()
            Console.error("error: \(error)")
            throw ExitCode(1)
        }
    }
}
