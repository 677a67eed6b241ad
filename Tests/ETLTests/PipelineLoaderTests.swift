import ETLKit
import ETLPlugins
import Testing

/// Every kind of pipeline error names its JSON path and line:column; good files load.
@Suite struct PipelineLoaderTests {
    let loader = PipelineLoader(registry: .builtins, environment: ["OUT": "/tmp/etl-out", "EMPTY": ""])

    /// Loads text that must fail, and returns its diagnostics.
    func diagnostics(_ text: String) -> [PipelineDiagnostic] {
        do {
            _ = try loader.load(text: text, file: "test.json")
            Issue.record("the pipeline loaded, but errors were expected")
            return []
        } catch {
            return error.diagnostics
        }
    }

    @Test func aGoodPipelineLoadsWithDefaults() throws {
        let pipeline = try loader.load(text: """
            {"sources": [{"use": "pattern", "template": "http://127.0.0.1/{n}", "to": 3}],
             "sinks": [{"use": "jsonl", "path": "${OUT}/a.jsonl"}]}
            """)
        #expect(pipeline.sources.map(\.id) == ["pattern"])
        #expect(pipeline.steps.map(\.id) == ["html", "article"])
        #expect(pipeline.fetchers.map(\.id) == ["http", "file"])
        #expect(pipeline.deadLetters.id == "jsonl")
        #expect(pipeline.concurrency == PipelineLoader.defaultConcurrency)
    }

    @Test func invalidJSONNamesLineAndColumn() {
        let found = diagnostics("{\n  \"sources\": [\n    {\"use\": \"pattern\",}\n  ]\n}")
        #expect(found.count == 1)
        #expect(found.first?.location == SourceLocation(line: 3, column: 23))
        #expect(found.first?.message.contains("trailing comma") == true)
    }

    @Test func unknownPluginSuggestsTheNearestId() {
        let found = diagnostics("""
            {"sources": [{"use": "patern", "template": "x{n}", "to": 1}],
             "sinks": [{"use": "jsonl", "path": "a"}]}
            """)
        #expect(found.count == 1)
        #expect(found.first?.path.description == "$.sources[0].use")
        #expect(found.first?.location == SourceLocation(line: 1, column: 22))
        #expect(found.first?.message.contains("did you mean \"pattern\"?") == true)
    }

    @Test func pluginOfTheWrongKindIsRejected() {
        let found = diagnostics("""
            {"sources": ["html"], "sinks": [{"use": "jsonl", "path": "a"}]}
            """)
        #expect(found.first?.message.contains("is a cleaner") == true)
        #expect(found.first?.path.description == "$.sources[0]")
    }

    @Test func unknownOptionSuggestsTheNearestName() {
        let found = diagnostics("""
            {"sources": [{"use": "pattern", "template": "x{n}", "to": 1}],
             "sinks": [{"use": "jsonl", "pth": "a"}]}
            """)
        #expect(found.contains { $0.path.description == "$.sinks[0].pth" && $0.message.contains("did you mean \"path\"?") })
        #expect(found.contains { $0.location == SourceLocation(line: 2, column: 29) })
    }

    @Test func wrongTypeSaysWhatWasExpected() {
        let found = diagnostics("""
            {"sources": [{"use": "pattern", "template": "x{n}", "to": "ten"}],
             "sinks": [{"use": "jsonl", "path": "a"}], "concurrency": 0}
            """)
        #expect(found.contains { $0.path.description == "$.sources[0].to" && $0.message.contains("expected an integer") && $0.message.contains("\"ten\"") })
        #expect(found.contains { $0.path.description == "$.concurrency" && $0.message.contains("≥ 1") })
    }

    @Test func missingOptionAndMissingMemberAreNamed() {
        let found = diagnostics("""
            {"sources": [{"use": "pattern", "template": "x{n}"}]}
            """)
        #expect(found.contains { $0.path.description == "$.sources[0]" && $0.message.contains("needs option \"to\"") })
        #expect(found.contains { $0.path.description == "$.sinks" && $0.message.contains("missing member \"sinks\"") })
    }

    @Test func badValueFromThePluginItselfIsReportedAtTheOption() {
        let found = diagnostics("""
            {"sources": [{"use": "pattern", "template": "no counter", "to": 2}],
             "sinks": [{"use": "jsonl", "path": "a"}]}
            """)
        #expect(found.first?.path.description == "$.sources[0].template")
        #expect(found.first?.message.contains("{n}") == true)
    }

    @Test func unknownTopLevelMemberSuggests() {
        let found = diagnostics("""
            {"sources": [{"use": "pattern", "template": "x{n}", "to": 1}], "sink": []}
            """)
        #expect(found.contains { $0.path.description == "$.sink" && $0.message.contains("did you mean \"sinks\"?") })
    }

    @Test func environmentVariablesExpandWithDefaults() throws {
        let expansion = EnvironmentExpansion(environment: ["OUT": "/data", "EMPTY": ""])
        #expect(try expansion.expand("${OUT}/a.jsonl") == "/data/a.jsonl")
        #expect(try expansion.expand("${MISSING:-out}/a") == "out/a")
        #expect(try expansion.expand("${EMPTY:-fallback}") == "fallback")
        #expect(try expansion.expand("cost $5 and $${literal}") == "cost $5 and ${literal}")
        #expect(throws: EnvironmentExpansion.Failure.unset(name: "MISSING")) { try expansion.expand("${MISSING}") }
        #expect(throws: EnvironmentExpansion.Failure.unterminated) { try expansion.expand("${OUT") }
    }

    @Test func unsetVariableIsAPipelineErrorWithItsPath() {
        let found = diagnostics("""
            {"sources": [{"use": "pattern", "template": "x{n}", "to": 1}],
             "sinks": [{"use": "jsonl", "path": "${NOT_SET_ANYWHERE}/a"}]}
            """)
        #expect(found.first?.path.description == "$.sinks[0].path")
        #expect(found.first?.message.contains("NOT_SET_ANYWHERE is not set") == true)
    }

    @Test func aReferenceMayStandForANumber() throws {
        let loader = PipelineLoader(registry: .builtins, environment: ["LAST": "7"])
        let pipeline = try loader.load(text: """
            {"sources": [{"use": "pattern", "template": "x{n}", "to": "${LAST}"}], "sinks": [{"use": "jsonl", "path": "a"}]}
            """)
        #expect(pipeline.sources.count == 1)
    }
}
