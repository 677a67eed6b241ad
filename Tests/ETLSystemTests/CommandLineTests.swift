import ETLTestSupport
import Foundation
import Testing

/// `etl validate`, `etl plugins` and exit codes, through the real binary.
@Suite struct CommandLineTests {
    @Test func validateAcceptsTheShippedPipelines() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: CommandLineTool.packageRoot.appendingPathComponent("pipelines").path)
            .filter { $0.hasSuffix(".json") && !$0.hasSuffix(".schema.json") }.sorted().map { "pipelines/" + $0 }
        #expect(files.count >= 4)
        for file in files {
            let result = try CommandLineTool.run(["validate", file], environment: ["PAGES": "pipelines/demo-pages/*.html", "SITE": "https://www.example.ir"])
            #expect(result.status == 0, "\(file): \(result.standardError)")
            #expect(result.standardOutput.contains("valid pipeline"))
            #expect(result.standardOutput.contains("MiB of documents in flight at most"))
        }
    }

    @Test(arguments: [
        ("{\"sources\": [", "invalid JSON", "1:14"),
        ("{\"sources\": [{\"use\": \"filez\", \"glob\": \"*.html\"}], \"sinks\": [{\"use\": \"jsonl\", \"path\": \"a\"}]}", "did you mean \"files\"?", "1:22"),
        (
            "{\"sources\": [{\"use\": \"files\", \"glob\": \"*.html\"}], \"sinks\": [{\"use\": \"jsonl\", \"paht\": \"a\"}]}",
            "$.sinks[0].paht: unknown option", "1:78"
        ),
        (
            "{\"sources\": [{\"use\": \"files\", \"glob\": 3}], \"sinks\": [{\"use\": \"jsonl\", \"path\": \"a\"}]}",
            "$.sources[0].glob: expected a string or a list of strings", "1:39"
        ),
        ("{\"sources\": [{\"use\": \"files\"}], \"sinks\": [{\"use\": \"jsonl\", \"path\": \"a\"}]}", "needs option \"glob\"", "1:14"),
        // Issue #10: a repeated key names both places; NUL would cut a path short.
        (
            "{\"sources\": [{\"use\": \"files\", \"glob\": \"*.html\"}], \"sinks\": [{\"use\": \"jsonl\", \"path\": \"a\"}], \"sinks\": []}",
            "$.sinks: member \"sinks\" is given twice, first at 1:51 and again at 1:93", "1:93"
        ),
        (
            "{\"sources\": [{\"use\": \"files\", \"glob\": \"*.html\"}], \"sinks\": [{\"use\": \"jsonl\", \"path\": \"a\\u0000b\"}]}",
            "$: invalid JSON: NUL character (\\u0000) in string", "1:88"
        ),
    ])
    func validateRejectsBrokenFilesWithPathAndPlace(text: String, message: String, place: String) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = try folder.write(text, to: "broken.json")
        let result = try CommandLineTool.run(["validate", file])
        #expect(result.status == 2)
        #expect(result.standardError.contains(message), "\(result.standardError)")
        #expect(result.standardError.contains("broken.json:\(place): error:"), "\(result.standardError)")
    }

    @Test func validateRejectsAFileThatIsNotUTF8() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = folder.path("latin1.json")
        // "café" saved as Latin-1: 0xE9 is not UTF-8.
        try Data(Array("{\n \"name\": \"caf".utf8) + [0xE9] + Array("\", \"sinks\": []}".utf8)).write(to: URL(fileURLWithPath: file))
        let result = try CommandLineTool.run(["validate", file])
        #expect(result.status == 2)
        #expect(
            result.standardError.contains("latin1.json:2:14: error: $: invalid JSON: the file is not UTF-8 text: byte 0xE9 at byte offset 15"),
            "\(result.standardError)")
    }

    @Test func pluginsListsEveryBuiltinAndOnePluginsOptions() throws {
        let list = try CommandLineTool.run(["plugins"])
        #expect(list.status == 0)
        for id in ["urls", "files", "pattern", "http", "file", "html", "article", "jsonl", "sqlite", "text"] {
            #expect(list.standardOutput.contains("  \(id) "), "\(id) missing from `etl plugins`")
        }
        let http = try CommandLineTool.run(["plugins", "http"])
        #expect(http.status == 0)
        for option in ["concurrency", "perHost", "timeout", "maxRedirects", "maxBytes", "userAgent"] {
            #expect(http.standardOutput.contains("  \(option) ("), "option \(option) missing from `etl plugins http`")
        }
        let unknown = try CommandLineTool.run(["plugins", "sqlit"])
        #expect(unknown.status == 2)
        #expect(unknown.standardError.contains("did you mean \"sqlite\"?"))
    }

    @Test func extractWritesTablesAsPipeTablesAndExplainsAsJSONLines() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let prose = "A paragraph of the article, long enough to count, with a comma, and another one, to be prose."
        let page = try folder.write(
            """
            <html lang="en"><body><div class="entry-content"><h1>Prices</h1><p>\(prose)</p>
            <table><tr><th>Item</th><th>Price</th></tr><tr><td>Tea | green</td><td>3 €</td></tr></table>
            <ul><li>First point</li><li>Second point</li></ul><p>\(prose)</p></div></body></html>
            """, to: "page.html")
        let markdown = try CommandLineTool.run(["extract", page, "--format", "markdown"])
        #expect(markdown.status == 0, "\(markdown.standardError)")
        #expect(markdown.standardOutput.contains("| Item | Price |\n| --- | --- |\n| Tea \\| green | 3 € |"), "\(markdown.standardOutput)")
        #expect(markdown.standardOutput.contains("- First point\n- Second point"))
        let explained = try CommandLineTool.run(["extract", page, "--explain", "--format", "json"])
        #expect(explained.status == 0)
        let lines = explained.standardOutput.split(separator: "\n").map(String.init)
        let decisions = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(decisions.count >= 5 && decisions.allSatisfy { $0?["kept"] is Bool && $0?["reason"] is String })
        #expect(decisions.contains { ($0?["kind"] as? String) == "table" && ($0?["kept"] as? Bool) == true })
    }

    @Test func usageErrorsExitWithTwo() throws {
        let result = try CommandLineTool.run(["run"])
        #expect(result.status == 2)
        let limit = try CommandLineTool.run(["run", "pipelines/demo.json", "--limit", "0"])
        #expect(limit.status == 2)
    }

    /// Issue #10, end to end: `articles.sqlite` is a folder, so the second run fails at open; the
    /// first run's `articles.jsonl` keeps its 5 lines (it used to be emptied) and nothing is left over.
    @Test func aRunThatFailsLeavesTheLastOutputInPlace() throws {
        let output = try TemporaryFolder()
        defer { output.remove() }
        let first = try CommandLineTool.run(["run", "pipelines/demo.json", "--limit", "5", "--quiet"], environment: ["OUT": output.url.path])
        #expect(first.status == 0, "\(first.standardError)")
        let lastRun = try Data(contentsOf: output.url.appendingPathComponent("articles.jsonl"))
        #expect(try readJSONLines(output.path("articles.jsonl")).count == 5)
        for name in try FileManager.default.contentsOfDirectory(atPath: output.url.path) where name.hasPrefix("articles.sqlite") {
            try FileManager.default.removeItem(atPath: output.path(name))
        }
        try FileManager.default.createDirectory(atPath: output.path("articles.sqlite"), withIntermediateDirectories: false)

        let second = try CommandLineTool.run(["run", "pipelines/demo.json", "--quiet"], environment: ["OUT": output.url.path])
        #expect(second.status == 3)  // the run could not do its job
        #expect(second.standardError.contains("cannot open sink \"sqlite\""), "\(second.standardError)")
        #expect(try Data(contentsOf: output.url.appendingPathComponent("articles.jsonl")) == lastRun)
        let hidden = try FileManager.default.contentsOfDirectory(atPath: output.url.path).filter { $0.hasPrefix(".") }
        #expect(hidden.isEmpty, "left over: \(hidden)")
    }

    /// `"path": "-"` is standard output, and a one-character file name is a file (both used to crash).
    @Test func aDashIsStandardOutputAndOneCharacterNamesAreFiles() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let pages = CommandLineTool.packageRoot.appendingPathComponent("pipelines/demo-pages").path
        let file = try folder.write(
            """
            {"sources": [{"use": "files", "glob": "\(pages)/*.html"}],
             "sinks": [{"use": "jsonl", "path": "-"}, {"use": "jsonl", "path": "a"}], "deadLetters": {"use": "jsonl", "path": "d"}}
            """, to: "p.json")
        let result = try CommandLineTool.run(["run", file, "--limit", "2"], in: folder.url)
        #expect(result.status == 0, "\(result.standardError)")
        let lines = result.standardOutput.split(separator: "\n")
        #expect(lines.count == 2, "\(result.standardOutput)")
        #expect(lines.allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) is [String: Any] })
        #expect(try readJSONLines(folder.path("a")).count == 2)
        #expect(FileManager.default.fileExists(atPath: folder.path("d")))
        #expect(!FileManager.default.fileExists(atPath: folder.path("-")))
        // The summary table goes to standard error, out of the records' way.
        #expect(!result.standardError.isEmpty)
    }

    @Test func runWithLimitStopsEarly() throws {
        let output = try TemporaryFolder()
        defer { output.remove() }
        let result = try CommandLineTool.run(["run", "pipelines/demo.json", "--limit", "2"], environment: ["OUT": output.url.path])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(try readJSONLines(output.path("articles.jsonl")).count == 2)
    }

    @Test func urlsFromStandardInputAreReadOnce() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let pages = try (1...3).map { try folder.write("<html><body><p>page \($0)</p></body></html>", to: "page\($0).html") }
        let pipeline = try folder.write(
            """
            {
              "sources": [{ "use": "urls", "file": "-" }],
              "steps": [],
              "sinks": [{ "use": "jsonl", "path": "\(folder.path("out.jsonl"))" }],
              "deadLetters": { "use": "jsonl", "path": "\(folder.path("dead.jsonl"))" }
            }
            """, to: "stdin.json")
        let input = "# pages\n" + pages.map { "file://" + $0 }.joined(separator: "\n") + "\n"
        let result = try CommandLineTool.run(["run", pipeline, "--quiet"], input: input)
        #expect(result.status == 0, "\(result.standardError)")
        let lines = try String(contentsOfFile: folder.path("out.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3)
        // A bad line on a pipe stops the source there, with its line number.
        let bad = try CommandLineTool.run(["run", pipeline, "--quiet"], input: "file://\(pages[0])\nnot a url\n")
        #expect(bad.status == 1)
        #expect(try String(contentsOfFile: folder.path("dead.jsonl"), encoding: .utf8).contains("/dev/stdin:2"))
    }

    @Test func extractTakesSeveralPagesAndStandardInput() throws {
        let pages = try FileManager.default.contentsOfDirectory(atPath: CommandLineTool.packageRoot.appendingPathComponent("pipelines/demo-pages").path)
            .filter { $0.hasSuffix(".html") }.sorted().prefix(2).map { "pipelines/demo-pages/" + $0 }
        #expect(pages.count == 2)
        // Several pages: one JSON object a line, each with its own title.
        let several = try CommandLineTool.run(["extract"] + pages)
        #expect(several.status == 0, "\(several.standardError)")
        let lines = several.standardOutput.split(separator: "\n")
        #expect(lines.count == 2, "\(several.standardOutput.prefix(300))")
        let titles = try lines.map { line in
            try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])["title"] as? String
        }
        #expect(titles.allSatisfy { ($0?.isEmpty ?? true) == false } && Set(titles.compactMap { $0 }).count == 2)

        // A page on standard input gives the same record as the file.
        // (A UTF-8 page: one of the demo pages is windows-1256, which a String cannot carry as it is.)
        let utf8Page = try #require(
            pages.first { (try? String(contentsOfFile: CommandLineTool.packageRoot.appendingPathComponent($0).path, encoding: .utf8)) != nil })
        let html = try String(contentsOfFile: CommandLineTool.packageRoot.appendingPathComponent(utf8Page).path, encoding: .utf8)
        let piped = try CommandLineTool.run(["extract", "-", "--format", "text"], input: html)
        let direct = try CommandLineTool.run(["extract", utf8Page, "--format", "text"])
        #expect(piped.status == 0, "\(piped.standardError)")
        #expect(!piped.standardOutput.isEmpty && piped.standardOutput == direct.standardOutput)

        // A missing page among good ones: the others are still extracted, the exit code says one failed.
        let mixed = try CommandLineTool.run(["extract", pages[0], "file:///nonexistent/page.html"])
        #expect(mixed.status == 1)
        #expect(mixed.standardOutput.split(separator: "\n").count == 1)
    }

    @Test func aRunWhoseEverySourceFailedExitsWithThree() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try await TestHTTPServer.run(routes: { _ in .notFound }) { server in
            let pipeline = try folder.write(
                """
                {
                  "sources": [{ "use": "sitemap", "urls": ["\(server.url("/sitemap.xml"))"], "delay": 0, "robots": false }],
                  "sinks": [{ "use": "jsonl", "path": "\(folder.path("out.jsonl"))" }],
                  "deadLetters": { "use": "jsonl", "path": "\(folder.path("dead.jsonl"))" }
                }
                """, to: "gone.json")
            let result = try CommandLineTool.run(["run", pipeline, "--quiet"])
            #expect(result.status == 3, "\(result.standardError)")
        }
    }

    @Test func validateNamesTheCodeOfALanguageWrittenByName() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        func pipeline(_ languages: String) throws -> String {
            try folder.write(
                """
                {"sources": [{"use": "files", "glob": "*.html"}],
                 "steps": ["html", "article", {"use": "filter", "language": \(languages)}],
                 "sinks": [{"use": "jsonl", "path": "out.jsonl"}]}
                """, to: "p.json")
        }
        let persian = try CommandLineTool.run(["validate", try pipeline("[\"fa\", \"persian\"]")])
        #expect(persian.status == 2)
        #expect(persian.standardError.contains("\"persian\"") && persian.standardError.contains("\"fa\""), "\(persian.standardError)")
        let codes = try CommandLineTool.run(["validate", try pipeline("[\"fa\", \"en-US\", \"ar\"]")])
        #expect(codes.status == 0, "\(codes.standardError)")
    }

    @Test func infoLogsOneLinePerURL() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let result = try CommandLineTool.run(["run", "pipelines/demo.json", "--log-level", "info", "--quiet"], environment: ["OUT": folder.url.path])
        #expect(result.status == 0, "\(result.standardError)")
        let lines = result.standardError.split(separator: "\n").filter { $0.contains("demo-pages/") && $0.contains(" 200 ") && $0.hasSuffix(" done") }
        #expect(lines.count == 5, "\(result.standardError)")
    }

    /// Standard error is a pipe here (as under cron): no redrawn line, but a plain progress line on
    /// time, even while no record finishes (a polite crawl waits on its delay).
    @Test func progressLinesWhenStandardErrorIsNotATerminal() async throws {
        var site = try LocalNewsSite(count: 6)
        site.pageDelay = .milliseconds(300)
        let output = try TemporaryFolder()
        defer { output.remove() }
        try await site.serve { server, _ in
            let result = try CommandLineTool.run(
                ["run", "pipelines/news-site.json", "--progress-every", "1"],
                environment: ["SITE": server.url(""), "OUT": output.url.path, "DELAY": "0.4"])
            #expect(result.status == 0, "\(result.standardError)")
            let lines = result.standardError.split(separator: "\n").filter { $0.hasPrefix("progress: in ") && $0.contains(" records/s ") }
            #expect(lines.count >= 2, "\(result.standardError)")
            #expect(!result.standardError.contains("\u{1B}[K"), "a terminal's redrawn line in a pipe")
            let quiet = try CommandLineTool.run(
                ["run", "pipelines/news-site.json", "--progress-every", "1", "--quiet", "--full-refresh"],
                environment: ["SITE": server.url(""), "OUT": output.url.path, "DELAY": "0.4"])
            #expect(quiet.status == 0)
            #expect(!quiet.standardError.contains("progress:"), "\(quiet.standardError)")
        }
    }

    /// `--log-format json`: everything on standard error is JSON Lines, down to the summary.
    @Test func jsonLogFormatWritesEveryLineAsJSON() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let result = try CommandLineTool.run(
            ["run", "pipelines/demo.json", "--log-level", "info", "--log-format", "json"], environment: ["OUT": folder.url.path])
        #expect(result.status == 0, "\(result.standardError)")
        let objects = try result.standardError.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not a JSON object: \(line)")
        }
        #expect(objects.allSatisfy { $0["level"] is String && $0["message"] is String && $0["time"] is String })
        #expect(objects.filter { ($0["message"] as? String)?.hasSuffix(" done") == true && $0["level"] as? String == "info" }.count == 5)
        let summary = try #require(objects.last)
        #expect(summary["message"] as? String == "summary")
        #expect(summary["written"] as? Int == 5)
        #expect(summary["reconciles"] as? Bool == true)
        #expect((summary["steps"] as? [Any])?.isEmpty == false)
    }

    /// `--set` through the real binary: the demo written where the command line says.
    @Test func setOverridesAValueOfThePipelineFile() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let result = try CommandLineTool.run(
            ["run", "pipelines/demo.json", "--quiet", "--set", "sinks[0].path=\(folder.url.path)/elsewhere.jsonl"], environment: ["OUT": folder.url.path])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(try readJSONLines(folder.path("elsewhere.jsonl")).count == 5)
        let bad = try CommandLineTool.run(["validate", "pipelines/demo.json", "--set", "concurrency=many"])
        #expect(bad.status == 2)
        #expect(
            bad.standardError.contains("$.concurrency: expected an integer") && bad.standardError.contains("(given by --set concurrency=many)"),
            "\(bad.standardError)")
        let malformed = try CommandLineTool.run(["validate", "pipelines/demo.json", "--set", "concurrency"])
        #expect(malformed.status == 2)
        #expect(malformed.standardError.contains("expected PATH=VALUE"), "\(malformed.standardError)")
    }

    /// `etl schema record` is a JSON Schema that a real validator (Python's jsonschema, from PyPI)
    /// accepts, and that the demo's records meet; a record without its url does not.
    @Test func recordSchemaValidatesTheDemoOutput() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let run = try CommandLineTool.run(["run", "pipelines/demo.json", "--quiet"], environment: ["OUT": folder.url.path])
        #expect(run.status == 0, "\(run.standardError)")
        let schema = try CommandLineTool.run(["schema", "record"])
        #expect(schema.status == 0, "\(schema.standardError)")
        let schemaFile = try folder.write(schema.standardOutput, to: "record.schema.json")
        let broken = try folder.write("{\"title\": 3, \"published\": \"yesterday\"}\n", to: "broken.jsonl")
        let script = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1]))
            jsonschema.Draft202012Validator.check_schema(schema)
            validator = jsonschema.Draft202012Validator(schema)
            for path in sys.argv[2:]:
                lines = [json.loads(line) for line in open(path, encoding="utf-8")]
                bad = sum(1 for record in lines if not validator.is_valid(record))
                print(path.rsplit("/", 1)[-1], len(lines), bad)
            """
        let check = try CommandLineTool.run(
            ["python3", "-c", script, schemaFile, folder.path("articles.jsonl"), broken],
            program: URL(fileURLWithPath: "/usr/bin/env"))
        #expect(check.status == 0, "\(check.standardError)")
        #expect(check.standardOutput == "articles.jsonl 5 0\nbroken.jsonl 1 1\n", "\(check.standardOutput)")
    }

    /// `etl schema record --pipeline FILE` reads the file's steps (it stopped the program before
    /// #15): the `category` step's `taxonomy` field is documented, and absent from the default steps' schema.
    @Test func recordSchemaOfAPipelineHasItsStepsFields() throws {
        let withCategory = try CommandLineTool.run(["schema", "record", "--pipeline", "pipelines/persian-news.json"])
        #expect(withCategory.status == 0, "\(withCategory.standardError)")
        #expect(withCategory.standardOutput.contains("\"taxonomy\""), "\(withCategory.standardOutput)")
        let byDefault = try CommandLineTool.run(["schema", "record"])
        #expect(byDefault.status == 0, "\(byDefault.standardError)")
        #expect(!byDefault.standardOutput.contains("\"taxonomy\""))
    }

    /// The `text` sink with "directory": "-" writes the corpus texts to standard output, each
    /// followed by a form-feed line; the summary stays on standard error.
    @Test func textSinkWritesTheCorpusToStandardOutput() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = try folder.write(
            """
            {"sources": [{"use": "files", "glob": "pipelines/demo-pages/*.html"}],
             "sinks": [{"use": "text", "directory": "-"}], "deadLetters": {"use": "jsonl", "path": "\(folder.path("dead.jsonl"))"}}
            """, to: "corpus.json")
        let result = try CommandLineTool.run(["run", file])
        #expect(result.status == 0, "\(result.standardError)")
        let texts = result.standardOutput.components(separatedBy: "\n\u{0C}\n")
        #expect(texts.count == 6 && texts.last == "", "\(texts.count)")
        #expect(texts.dropLast().allSatisfy { $0.split(separator: "\n", omittingEmptySubsequences: false).count >= 5 })
        #expect(result.standardError.contains("in 5 = written 5"))
        #expect(!FileManager.default.fileExists(atPath: CommandLineTool.packageRoot.appendingPathComponent("-").path))
    }

    /// `etl schema` describes the pipeline format: the copy shipped in pipelines/ is its output, every
    /// shipped pipeline names it and passes a real validator (Python's jsonschema), and broken
    /// pipelines fail it.
    @Test func pipelineSchemaValidatesTheShippedPipelinesAndRejectsBrokenOnes() throws {
        let schema = try CommandLineTool.run(["schema"])
        #expect(schema.status == 0, "\(schema.standardError)")
        let shipped = CommandLineTool.packageRoot.appendingPathComponent("pipelines/etl.schema.json")
        #expect(
            try String(contentsOf: shipped, encoding: .utf8) == schema.standardOutput,
            "pipelines/etl.schema.json is stale: write it again with `etl schema > pipelines/etl.schema.json`")
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let pipelines = try FileManager.default.contentsOfDirectory(atPath: shipped.deletingLastPathComponent().path)
            .filter { $0.hasSuffix(".json") && !$0.hasSuffix(".schema.json") }.sorted()
            .map { shipped.deletingLastPathComponent().appendingPathComponent($0).path }
        #expect(pipelines.count >= 4)
        for pipeline in pipelines {
            #expect(try String(contentsOfFile: pipeline, encoding: .utf8).contains("\"$schema\": \"etl.schema.json\""), "\(pipeline)")
        }
        let broken = [
            #"{"sources": [{"use": "files", "glob": "*.html", "globb": 1}], "sinks": ["jsonl"]}"#,
            #"{"sources": [{"use": "filez", "glob": "*.html"}], "sinks": [{"use": "jsonl", "path": "a"}]}"#,
            #"{"sources": [{"use": "files", "glob": "*.html"}], "sinks": [{"use": "jsonl", "path": "a"}], "concurrency": "many"}"#,
            #"{"sources": [{"use": "files", "glob": "*.html"}]}"#,
            #"{"sources": [{"use": "files"}], "sinks": [{"use": "jsonl", "path": "a"}]}"#,
        ].enumerated().map { try? folder.write($1, to: "broken\($0).json") }.compactMap { $0 }
        let script = """
            import json, sys, jsonschema
            validator = jsonschema.Draft202012Validator(json.load(open(sys.argv[1])))
            for path in sys.argv[2:]:
                print(path.rsplit("/", 1)[-1], "valid" if validator.is_valid(json.load(open(path))) else "invalid")
            """
        let check = try CommandLineTool.run(["python3", "-c", script, shipped.path] + pipelines + broken, program: URL(fileURLWithPath: "/usr/bin/env"))
        #expect(check.status == 0, "\(check.standardError)")
        let verdicts = check.standardOutput.split(separator: "\n")
        #expect(
            verdicts.filter { $0.hasPrefix("broken") }.allSatisfy { $0.hasSuffix(" invalid") } && verdicts.filter { $0.hasPrefix("broken") }.count == 5,
            "\(check.standardOutput)")
        #expect(
            verdicts.filter { !$0.hasPrefix("broken") }.allSatisfy { $0.hasSuffix(" valid") } && verdicts.count == pipelines.count + 5,
            "\(check.standardOutput)")
    }
}
