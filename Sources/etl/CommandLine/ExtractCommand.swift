import ArgumentParser
import ETLHTML
import ETLKit
import ETLPlugins
import ETLText
import Foundation

/// `etl extract URL-or-FILE…`: pages' records, for trying pages while tuning a pipeline.
struct ExtractCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Fetch, clean and extract pages, and print their records.",
        discussion: """
            Runs the same fetch and steps as a pipeline (by default http or file, then html and article; \
            with --pipeline, that file's fetchers and steps) on each URL or file given, and prints the \
            records: one pretty JSON object for one page, one JSON object a line (JSON Lines) for \
            several. "-" reads a page's HTML from standard input. --explain lists every block of the \
            page the cleaner kept or dropped, and why.

            Examples:
              etl extract pipelines/demo-pages/isna.html
              etl extract https://www.isna.ir/news/1402033019738/ --format text
              etl extract saved.html --explain
              etl extract saved.html --pipeline my-pipeline.json --format markdown
              etl extract pages/*.html > records.jsonl
              curl -s https://example.com/story | etl extract -

            Exit codes: 0 extracted; 1 a page failed (the reason is printed, the others are still \
            extracted); 2 invalid arguments.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case json, text, markdown
    }

    @Argument(help: "http(s) URLs or local files; - reads a page from standard input.")
    var targets: [String]

    @Option(name: .long, help: "Output: json (every field; the default), text (the corpus format), markdown.")
    var format: Format?

    @Flag(name: .long, help: "List each block the cleaner kept or dropped, and why (with --format json: one JSON object a block, whole texts).")
    var explain = false

    @Option(name: .long, help: "Use this pipeline file's fetchers and steps.", completion: .file(extensions: ["json"]))
    var pipeline: String?

    func validate() throws {
        guard !targets.isEmpty else { throw ValidationError("give a URL, a file or - (standard input)") }
        guard targets.filter({ $0 == "-" }).count <= 1 else { throw ValidationError("- (standard input) can be given once") }
    }

    func run() async throws {
        var urls: [String] = []
        for target in targets {
            if target == "-" {
                urls.append(Self.standardInputURL)
            } else if target.hasPrefix("http://") || target.hasPrefix("https://") || target.hasPrefix("file:") {
                urls.append(target)
            } else {
                guard FileManager.default.fileExists(atPath: target) else {
                    Console.error("error: \(target) is neither an http(s) URL nor an existing file")
                    throw ExitCode(2)
                }
                urls.append(URL(fileURLWithPath: target).absoluteString)
            }
        }
        let loaded: Pipeline
        if let pipeline {
            loaded = try PipelineOptions(file: pipeline).load()
        } else {
            // The default chain, built by the loader like any pipeline (its sink is never opened).
            do {
                let list = JSONValue.array(urls.map(JSONValue.string)).jsonText()
                loaded = try PipelineLoader(registry: ETLCommand.registry).load(
                    text: """
                        {"sources": [{"use": "urls", "urls": \(list)}], "sinks": [{"use": "jsonl", "path": "/dev/null"}]}
                        """)
            } catch {
                Console.error(error.description)
                throw ExitCode(2)
            }
        }
        let runner = PipelineRunner(pipeline: loaded)
        var failures = 0
        for (target, url) in zip(targets, urls) {
            if targets.count > 1 && (explain || format == .text || format == .markdown) {
                print("==> \(target) <==")
            }
            var record = Record(url: url, source: "extract")
            if target == "-" {
                // Fetched already: the runner skips the fetch for a record with a document.
                let decoded = TextDecoding.decode(Array(FileHandle.standardInput.readDataToEndOfFile()))
                record.document = Document(text: decoded.text, mediaType: "text/html", charset: decoded.charset)
            }
            do {
                try await extract(record, target: target, pipeline: loaded, runner: runner)
            } catch let exit as ExitCode where exit == .failure {
                failures += 1
            }
        }
        if failures > 0 { throw ExitCode(1) }
    }

    /// The URL a page read from standard input goes by.
    static let standardInputURL = "file:///dev/stdin"

    /// One page: processed and printed; throws ``ExitCode/failure`` when it failed or was skipped.
    private func extract(_ record: Record, target: String, pipeline loaded: Pipeline, runner: PipelineRunner) async throws {
        let done: Record
        switch await runner.process(record) {
        case .done(let record):
            done = record
        case .skipped(_, let step):
            Console.error("\(target): skipped by \(step)")
            throw ExitCode.failure
        case .failed(let failed, let step, let reason):
            if explain { try printExplanation(of: failed, pipeline: loaded) }
            Console.error("\(target): failed in \(step): \(reason)")
            throw ExitCode.failure
        }
        if explain {
            try printExplanation(of: done, pipeline: loaded)
            return
        }
        switch format ?? .json {
        case .json: print(targets.count > 1 ? JSONValue.object(done.output).jsonText() : Self.prettyJSON(done.output))
        case .text: print(TextSink.corpusText(for: done) ?? "")
        case .markdown: print(Self.markdown(done))
        }
    }

    /// Re-runs the pipeline's html cleaner on the fetched document, keeping every decision.
    private func printExplanation(of record: Record, pipeline: Pipeline) throws {
        guard let document = record.document else {
            Console.error("nothing to explain: the page was not fetched")
            throw ExitCode(1)
        }
        let configured = pipeline.steps.lazy.compactMap { step -> HTMLCleaner? in
            if case .cleaner(let cleaner) = step.instance { return cleaner as? HTMLCleaner }
            return nil
        }.first
        let cleaner = try configured ?? HTMLCleaner(options: PluginOptions())
        let decisions = try cleaner.explain(document.text, url: record.url)
        if format == .json {
            // One JSON object a line, whole texts, for jq and scripts.
            for decision in decisions {
                let line: JSONValue = .object([
                    "kept": .bool(decision.kept), "kind": .string(decision.block.kind.rawValue),
                    "text": .string(decision.block.text), "reason": .string(decision.reason),
                ])
                print(line.jsonText())
            }
            return
        }
        for decision in decisions {
            let text = decision.block.text.count > 90 ? String(decision.block.text.prefix(90)) + "…" : decision.block.text
            print("\(decision.kept ? "KEEP" : "drop")  \(decision.block.kind.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0))  \(text)")
            print("      \(decision.reason)")
        }
        let kept = decisions.filter(\.kept).count
        print("\n\(kept) of \(decisions.count) blocks kept")
    }

    static func prettyJSON(_ fields: [String: JSONValue]) -> String {
        let compact = Data(JSONValue.object(fields).jsonText().utf8)
        guard let object = try? JSONSerialization.jsonObject(with: compact),
            let pretty = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        else { return String(decoding: compact, as: UTF8.self) }
        return String(decoding: pretty, as: UTF8.self)
    }

    /// A table's rows as a Markdown pipe table, the first row its header (Markdown has no table without one).
    static func pipeTable(_ rows: [[String]]) -> String {
        let width = max(1, rows.map(\.count).max() ?? 1)
        func line(_ cells: [String]) -> String {
            let padded = cells + Array(repeating: "", count: width - cells.count)
            return "| " + padded.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |"
        }
        var lines = [line(rows.first ?? [])]
        lines.append("|" + String(repeating: " --- |", count: width))
        lines += rows.dropFirst().map(line)
        return lines.joined(separator: "\n")
    }

    static func markdown(_ record: Record) -> String {
        var lines: [String] = []
        if let pretitle = record.text("pretitle") { lines.append("*\(pretitle)*\n") }
        if let title = record.text("title") { lines.append("# \(title)\n") }
        if let lead = record.text("lead") { lines.append("**\(lead)**\n") }
        let facts = ["published", "authors", "category", "newsId", "site", "url"].compactMap { name in
            record.text(name).map { "- \(name): \($0.replacingOccurrences(of: "\n", with: ", "))" }
        }
        if !facts.isEmpty { lines.append(facts.joined(separator: "\n") + "\n") }
        if let blocks = record.page?.blocks, !blocks.isEmpty {
            let body = Set((record.text("body") ?? "").components(separatedBy: "\n\n"))
            for block in blocks where body.contains(block.text) {
                switch block.kind {
                case .heading: lines.append("## \(block.text)\n")
                case .listItem: lines.append("- \(block.text)")
                case .quote: lines.append("> \(block.text)\n")
                case .preformatted: lines.append("```\n\(block.text)\n```\n")
                case .table: lines.append(Self.pipeTable(block.rows ?? [[block.text]]) + "\n")
                case .caption: lines.append("*\(block.text)*\n")
                case .paragraph: lines.append("\(block.text)\n")
                }
            }
        } else if let body = record.text("body") {
            lines.append(body)
        }
        return lines.joined(separator: "\n")
    }
}
