import ArgumentParser
import ETLKit
import ETLPlugins
import Foundation

/// `etl schema [pipeline|record]`: the JSON Schema of pipeline files or of the records a pipeline writes.
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema (draft 2020-12) of pipeline files, or of the records etl writes.",
        discussion: """
            `etl schema` (or `etl schema pipeline`) describes pipeline files: every plugin with its \
            options, their types, defaults and what they do, from the plugins' own declarations. \
            Editors complete and check a pipeline that names it ("$schema": "etl.schema.json", as \
            the files in pipelines/ do); `etl validate` checks the rest (variables, regular \
            expressions, steps out of order).

            `etl schema record` describes records: it lists the fields every fetched record carries (url, requestedUrl, fetchedAt, \
            status, contentType) and those the pipeline's steps set, with their types and what they \
            hold; fields other plugins add are allowed. Without --pipeline the steps are the default \
            ones, html then article. Validate a run's output with any JSON Schema tool:

              etl schema record > record.schema.json
              check-jsonschema --schemafile record.schema.json out/articles.jsonl   # or python -m jsonschema
            """
    )

    /// What to describe.
    enum Subject: String, ExpressibleByArgument, CaseIterable {
        case pipeline
        case record
    }

    @Argument(help: "What to describe: pipeline (the default) or record.")
    var subject: Subject = .pipeline

    @Option(name: .long, help: "A pipeline file whose steps set the fields (default: html, article).")
    var pipeline: String?

    func run() throws {
        if subject == .pipeline {
            print(ExtractCommand.prettyJSON(PipelineSchema.jsonSchema(registry: ETLCommand.registry).objectValue ?? [:]))
            return
        }
        let steps: [PluginDescriptor]
        if let pipeline {
            steps = try PipelineOptions(file: pipeline).load().steps.compactMap {
                ETLCommand.registry.plugin($0.id, among: [.cleaner, .transform])?.descriptor
            }
        } else {
            steps = PipelineLoader.defaultSteps.compactMap { ETLCommand.registry.plugin($0, among: [.cleaner, .transform])?.descriptor }
        }
        print(ExtractCommand.prettyJSON(Record.jsonSchema(steps: steps).objectValue ?? [:]))
    }
}
