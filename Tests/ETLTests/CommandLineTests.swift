import Foundation
import Testing

/// `etl validate`, `etl plugins` and exit codes, through the real binary.
@Suite struct CommandLineTests {
    @Test func validateAcceptsTheShippedPipelines() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: CommandLineTool.packageRoot.appendingPathComponent("pipelines").path)
            .filter { $0.hasSuffix(".json") }.sorted().map { "pipelines/" + $0 }
        #expect(files.count >= 4)
        for file in files {
            let result = try CommandLineTool.run(["validate", file], environment: ["PAGES": "pipelines/demo-pages/*.html", "SITE": "https://www.example.ir"])
            #expect(result.status == 0, "\(file): \(result.standardError)")
            #expect(result.standardOutput.contains("valid pipeline"))
        }
    }

    @Test(arguments: [
        ("{\"sources\": [", "invalid JSON", "1:14"),
        ("{\"sources\": [{\"use\": \"filez\", \"glob\": \"*.html\"}], \"sinks\": [{\"use\": \"jsonl\", \"path\": \"a\"}]}", "did you mean \"files\"?", "1:22"),
        ("{\"sources\": [{\"use\": \"files\", \"glob\": \"*.html\"}], \"sinks\": [{\"use\": \"jsonl\", \"paht\": \"a\"}]}", "$.sinks[0].paht: unknown option", "1:78"),
        ("{\"sources\": [{\"use\": \"files\", \"glob\": 3}], \"sinks\": [{\"use\": \"jsonl\", \"path\": \"a\"}]}", "$.sources[0].glob: expected a string or a list of strings", "1:39"),
        ("{\"sources\": [{\"use\": \"files\"}], \"sinks\": [{\"use\": \"jsonl\", \"path\": \"a\"}]}", "needs option \"glob\"", "1:14"),
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

    @Test func usageErrorsExitWithTwo() throws {
        let result = try CommandLineTool.run(["run"])
        #expect(result.status == 2)
        let limit = try CommandLineTool.run(["run", "pipelines/demo.json", "--limit", "0"])
        #expect(limit.status == 2)
    }

    @Test func runWithLimitStopsEarly() throws {
        let output = try TemporaryFolder()
        defer { output.remove() }
        let result = try CommandLineTool.run(["run", "pipelines/demo.json", "--limit", "2"], environment: ["OUT": output.url.path])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(try readJSONLines(output.path("articles.jsonl")).count == 2)
    }
}
