import ArgumentParser
import ETLKit

/// `etl validate FILE`: everything `etl run` would reject, found without any network traffic.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a pipeline file without running it.",
        discussion: """
            Reports every problem at once, each with its JSON path and line:column: invalid JSON (bytes \
            that are not UTF-8, NUL in a string and unpaired \\u surrogates included), a key given twice \
            in one object (with both places), unknown plugins and options (with a "did you mean"), wrong \
            types, missing options, bad values, unset environment variables. Plugins are built but \
            nothing is fetched or written.

            Examples:
              etl validate pipelines/demo.json
              OUT=/tmp/corpus etl validate pipelines/persian-news.json

            Exit codes: 0 valid, 2 invalid.
            """
    )

    @OptionGroup var pipeline: PipelineOptions

    func run() throws {
        let loaded = try pipeline.load()
        let steps = loaded.steps.map(\.id).joined(separator: " → ")
        print(
            "\(pipeline.file): valid pipeline \"\(loaded.name)\": \(loaded.sources.map(\.id).joined(separator: ", ")) → fetch (\(loaded.fetchers.map(\.id).joined(separator: ", "))) → \(steps) → \(loaded.sinks.map(\.id).joined(separator: ", ")); dead letters → \(loaded.deadLetters.id); \(loaded.concurrency) records and \(Self.size(loaded.maxBytesInFlight)) of documents in flight at most"
        )
    }

    /// A byte count for people: whole MiB or KiB when it is one, else bytes.
    static func size(_ bytes: Int) -> String {
        if bytes % (1024 * 1024) == 0 { return "\(bytes / (1024 * 1024)) MiB" }
        if bytes % 1024 == 0 { return "\(bytes / 1024) KiB" }
        return "\(bytes) bytes"
    }
}
