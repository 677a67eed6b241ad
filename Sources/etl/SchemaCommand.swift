import ArgumentParser
import ETLKit
import ETLPlugins
import Foundation

/// `etl schema record`: the JSON Schema of the records a pipeline writes.
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema (draft 2020-12) of the records etl writes.",
        discussion: """
            The schema lists the fields every fetched record carries (url, requestedUrl, fetchedAt, \
            status, contentType) and those the pipeline's steps set, with their types and what they \
            hold; fields other plugins add are allowed. Without --pipeline the steps are the default \
            ones, html then article. Validate a run's output with any JSON Schema tool:

              etl schema record > record.schema.json
              check-jsonschema --schemafile record.schema.json out/articles.jsonl   # or python -m jsonschema
            """
    )

    /// What to describe; records only, for now.
    enum Subject: String, ExpressibleByArgument, CaseIterable {
        case record
    }

    @Argument(help: "What to describe: record.")
    var subject: Subject

    @Option(name: .long, help: "A pipeline file whose steps set the fields (default: html, article).")
    var pipeline: String?

    func run() throws {
        let steps: [PluginDescriptor]
        if let pipeline {
            steps = try PipelineOptions(file: pipeline).load().steps.compactMap { PluginRegistry.builtins.plugin($0.id)?.descriptor }
        } else {
            steps = PipelineLoader.defaultSteps.compactMap { PluginRegistry.builtins.plugin($0)?.descriptor }
        }
        print(ExtractCommand.prettyJSON(Record.jsonSchema(steps: steps).objectValue ?? [:]))
    }
}
