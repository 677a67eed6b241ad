import ETLKit
import ETLPlugins
import ETLTestSupport
import Foundation
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
        let pipeline = try loader.load(
            text: """
                {"sources": [{"use": "pattern", "template": "http://127.0.0.1/{n}", "to": 3}],
                 "sinks": [{"use": "jsonl", "path": "${OUT}/a.jsonl"}]}
                """)
        #expect(pipeline.sources.map(\.id) == ["pattern"])
        #expect(pipeline.steps.map(\.id) == ["html", "article"])
        #expect(pipeline.fetchers.map(\.id) == ["http", "file"])
        #expect(pipeline.deadLetters.id == "jsonl")
        #expect(pipeline.concurrency == PipelineLoader.defaultConcurrency)
        #expect(pipeline.maxBytesInFlight == 64 * 1024 * 1024)
    }

    // MARK: pipelines that cannot work (issue #11)

    @Test func aStepThatReadsTheCleanedPageNeedsACleanerBeforeIt() {
        let found = diagnostics(
            """
            {"sources": [{"use": "pattern", "template": "http://127.0.0.1/{n}", "to": 3}],
             "steps": ["article", "html"],
             "sinks": [{"use": "jsonl", "path": "a.jsonl"}]}
            """)
        #expect(
            found.map(\.description) == [
                "2:12: $.steps[0]: \"article\" reads the page a cleaner makes, but no cleaner comes before it (steps run in the order written): put \"html\" before it (\"html\" is at $.steps[1], after it)"
            ])
    }

    @Test func aSourceNeedsAFetcherForItsURLs() {
        let found = diagnostics(
            """
            {"sources": [{"use": "files", "glob": "pages/*.html"}, {"use": "urls", "urls": ["http://127.0.0.1/a"]}],
             "fetch": ["http"],
             "sinks": [{"use": "jsonl", "path": "a.jsonl"}]}
            """)
        #expect(found.count == 1)
        #expect(found.first?.path.description == "$.sources[0]")
        #expect(found.first?.message.contains("\"files\" sends file: URLs, which no fetcher of the pipeline reads") == true, "\(found)")
        #expect(found.first?.message.hasSuffix("add \"file\" to \"fetch\"") == true, "\(found)")
    }

    @Test func twoOutputsOnOnePathAreRefused() {
        let found = diagnostics(
            """
            {"sources": [{"use": "pattern", "template": "http://127.0.0.1/{n}", "to": 3}],
             "sinks": [{"use": "jsonl", "path": "out/a.jsonl"}, {"use": "sqlite", "path": "out/./a.jsonl"}, {"use": "jsonl", "path": "-"}],
             "deadLetters": {"use": "jsonl", "path": "out/a.jsonl"},
             "state": "out/a.jsonl"}
            """)
        #expect(found.map(\.path.description) == ["$.sinks[1].path", "$.deadLetters.path", "$.state"], "\(found)")
        #expect(found.allSatisfy { $0.message.contains("is also written by $.sinks[0]: two outputs on one path") }, "\(found)")
    }

    /// A plugin's initializer stops at the first option it rejects; validation goes on to the others.
    @Test func everyBadOptionOfAPluginIsReported() {
        let found = diagnostics(
            """
            {"sources": [{"use": "pattern", "template": "http://127.0.0.1/{n}", "to": 3}],
             "steps": ["html", "article", {"use": "filter", "language": "persian", "publishedAfter": "last week"}],
             "sinks": [{"use": "jsonl", "path": "a.jsonl"}]}
            """)
        #expect(found.map(\.path.description) == ["$.steps[2].language", "$.steps[2].publishedAfter"], "\(found)")
    }

    /// Old option names still load, with a warning that names the new one; both at once is an error.
    @Test func formerOptionNamesWarnAndMap() throws {
        let pipeline = try loader.load(
            text: """
                {"sources": [{"use": "sitemap", "urls": ["http://127.0.0.1/sitemap.xml"], "maxUrls": 5}],
                 "steps": ["html", "article", {"use": "filter", "publishedAfter": "7d"}],
                 "sinks": [{"use": "jsonl", "path": "a.jsonl"}]}
                """)
        #expect(
            pipeline.warnings.map(\.description) == [
                "1:75: $.sources[0].maxUrls: sitemap: option \"maxUrls\" is now called \"limit\"; the old name is read for one more release",
                "2:49: $.steps[2].publishedAfter: filter: option \"publishedAfter\" is now called \"since\"; the old name is read for one more release",
            ])
        let both = diagnostics(
            """
            {"sources": [{"use": "sitemap", "urls": ["http://127.0.0.1/sitemap.xml"], "maxUrls": 5, "limit": 6}],
             "sinks": [{"use": "jsonl", "path": "a.jsonl"}]}
            """)
        #expect(both.map(\.path.description) == ["$.sources[0].limit"], "\(both)")
        #expect(both.first?.message.contains("given twice, under its old and its new name") == true)
    }

    /// `since`/`until` read the same forms in every plugin that has them.
    @Test func sinceAndUntilTakeTheSameFormsEverywhere() throws {
        for use in ["sitemap", "feed"] {
            _ = try loader.load(
                text: """
                    {"sources": [{"use": "\(use)", "urls": ["http://127.0.0.1/x.xml"], "since": "2w", "until": "2026-11-26T10:00:00+03:30"}],
                     "sinks": [{"use": "jsonl", "path": "a.jsonl"}]}
                    """)
            let found = diagnostics(
                """
                {"sources": [{"use": "\(use)", "urls": ["http://127.0.0.1/x.xml"], "since": "yesterday", "until": "soon"}],
                 "sinks": [{"use": "jsonl", "path": "a.jsonl"}]}
                """)
            #expect(found.map(\.path.description) == ["$.sources[0].since", "$.sources[0].until"], "\(use): \(found)")
        }
        _ = try loader.load(
            text: """
                {"sources": [{"use": "pattern", "template": "http://127.0.0.1/{n}", "to": 3}],
                 "steps": ["html", "article", {"use": "filter", "since": "36h", "until": "2030-01-01"}],
                 "sinks": [{"use": "jsonl", "path": "a.jsonl"}]}
                """)
    }

    // MARK: JSONC comments and --set (issue #11)

    @Test func commentsAreAllowedAndPlacesStayRight() throws {
        let pipeline = try loader.load(
            text: """
                // Daily news
                {
                  /* where the pages come from,
                     over two lines */
                  "sources": [{"use": "pattern", "template": "http://127.0.0.1/{n}", "to": 3}], // three pages
                  "sinks": [{"use": "jsonl", "path": "a.jsonl" /* beside */}]
                }
                """)
        #expect(pipeline.sources.map(\.id) == ["pattern"])
        // A place after a comment of two lines is still the right line and column.
        let found = diagnostics(
            """
            {
              /* one
                 two */ "sources": [{"use": "pattern", "template": "http://127.0.0.1/{n}", "to": "x"}],
              "sinks": [{"use": "jsonl", "path": "a.jsonl"}]
            }
            """)
        #expect(found.map { "\($0.location.map(\.description) ?? "-") \($0.path)" } == ["3:86 $.sources[0].to"])
        let unclosed = diagnostics("{\"sources\": [] /* no end")
        #expect(unclosed.first?.message.contains("comment opened with /* is not closed") == true, "\(unclosed)")
        let lone = diagnostics("{\"sources\": [] / 3}")
        #expect(lone.first?.message.contains("a comment starts with // or /*") == true, "\(lone)")
    }

    @Test func overridesReplaceAddAndAreCheckedLikeTheFile() throws {
        let text = """
            {"sources": [{"use": "pattern", "template": "http://127.0.0.1/{n}", "to": 3}],
             "sinks": [{"use": "jsonl", "path": "a.jsonl"}]}
            """
        var overriding = loader
        overriding.overrides = try ["concurrency=4", "$.sinks[0].path=${OUT}/b.jsonl", "sinks[0].mode=append", "sources[0].to=5"].map {
            try PipelineOverride(parsing: $0)
        }
        let pipeline = try overriding.load(text: text)
        #expect(pipeline.concurrency == 4)
        let sink = try #require(pipeline.sinks.first?.instance as? JSONLSink)
        #expect(sink.path == "/tmp/etl-out/b.jsonl")
        #expect(sink.mode == .append)
        // A bad value is reported as a value of the file would be, naming the --set it came from.
        overriding.overrides = try ["sinks[0].mode=sideways"].map { try PipelineOverride(parsing: $0) }
        #expect(throws: PipelineError.self) { try overriding.load(text: text) }
        do {
            _ = try overriding.load(text: text)
        } catch {
            #expect(
                error.diagnostics.map(\.description) == [
                    "$.sinks[0].mode: \"sideways\" is not one of \"overwrite\", \"append\" (given by --set sinks[0].mode=sideways)"
                ])
        }
        // Paths that lead nowhere.
        overriding.overrides = try ["sinks[3].path=x"].map { try PipelineOverride(parsing: $0) }
        do {
            _ = try overriding.load(text: text)
            Issue.record("loaded")
        } catch {
            #expect(error.description.contains("$.sinks has 1 element, so there is no [3]"), "\(error)")
        }
        #expect(throws: PipelineOverrideError.self) { try PipelineOverride(parsing: "concurrency") }
        #expect(throws: PipelineOverrideError.self) { try PipelineOverride(parsing: "sinks[x].path=a") }
        #expect(try PipelineOverride(parsing: "name=4").value == .integer(4))
        #expect(try PipelineOverride(parsing: "name=\"4\"").value == .string("4"))
        #expect(try PipelineOverride(parsing: "path=/tmp/a=b").value == .string("/tmp/a=b"))
    }

    @Test func maxBytesInFlightIsATopLevelMember() throws {
        let pipeline = try loader.load(
            text: """
                {"sources": [{"use": "pattern", "template": "http://127.0.0.1/{n}", "to": 3}],
                 "sinks": [{"use": "jsonl", "path": "a.jsonl"}], "maxBytesInFlight": "${BUDGET:-1048576}"}
                """)
        #expect(pipeline.maxBytesInFlight == 1_048_576)
        let found = diagnostics(
            """
            {"sources": [{"use": "pattern", "template": "x{n}", "to": 3}],
             "sinks": [{"use": "jsonl", "path": "a"}], "maxBytesInFlight": 0, "maxBytesInFlite": 5}
            """)
        #expect(found.contains { $0.path.description == "$.maxBytesInFlight" && $0.message.contains("≥ 1") })
        #expect(found.contains { $0.path.description == "$.maxBytesInFlite" && $0.message.contains("did you mean \"maxBytesInFlight\"?") })
    }

    @Test func invalidJSONNamesLineAndColumn() {
        let found = diagnostics("{\n  \"sources\": [\n    {\"use\": \"pattern\",}\n  ]\n}")
        #expect(found.count == 1)
        #expect(found.first?.location == SourceLocation(line: 3, column: 23))
        #expect(found.first?.message.contains("trailing comma") == true)
    }

    @Test func unknownPluginSuggestsTheNearestId() {
        let found = diagnostics(
            """
            {"sources": [{"use": "patern", "template": "x{n}", "to": 1}],
             "sinks": [{"use": "jsonl", "path": "a"}]}
            """)
        #expect(found.count == 1)
        #expect(found.first?.path.description == "$.sources[0].use")
        #expect(found.first?.location == SourceLocation(line: 1, column: 22))
        #expect(found.first?.message.contains("did you mean \"pattern\"?") == true)
    }

    @Test func pluginOfTheWrongKindIsRejected() {
        let found = diagnostics(
            """
            {"sources": ["html"], "sinks": [{"use": "jsonl", "path": "a"}]}
            """)
        #expect(found.first?.message.contains("is a cleaner") == true)
        #expect(found.first?.path.description == "$.sources[0]")
    }

    @Test func unknownOptionSuggestsTheNearestName() {
        let found = diagnostics(
            """
            {"sources": [{"use": "pattern", "template": "x{n}", "to": 1}],
             "sinks": [{"use": "jsonl", "pth": "a"}]}
            """)
        #expect(found.contains { $0.path.description == "$.sinks[0].pth" && $0.message.contains("did you mean \"path\"?") })
        #expect(found.contains { $0.location == SourceLocation(line: 2, column: 29) })
    }

    @Test func wrongTypeSaysWhatWasExpected() {
        let found = diagnostics(
            """
            {"sources": [{"use": "pattern", "template": "x{n}", "to": "ten"}],
             "sinks": [{"use": "jsonl", "path": "a"}], "concurrency": 0}
            """)
        #expect(found.contains { $0.path.description == "$.sources[0].to" && $0.message.contains("expected an integer") && $0.message.contains("\"ten\"") })
        #expect(found.contains { $0.path.description == "$.concurrency" && $0.message.contains("≥ 1") })
    }

    @Test func missingOptionAndMissingMemberAreNamed() {
        let found = diagnostics(
            """
            {"sources": [{"use": "pattern", "template": "x{n}"}]}
            """)
        #expect(found.contains { $0.path.description == "$.sources[0]" && $0.message.contains("needs option \"to\"") })
        #expect(found.contains { $0.path.description == "$.sinks" && $0.message.contains("missing member \"sinks\"") })
    }

    @Test func badValueFromThePluginItselfIsReportedAtTheOption() {
        let found = diagnostics(
            """
            {"sources": [{"use": "pattern", "template": "no counter", "to": 2}],
             "sinks": [{"use": "jsonl", "path": "a"}]}
            """)
        #expect(found.first?.path.description == "$.sources[0].template")
        #expect(found.first?.message.contains("{n}") == true)
    }

    @Test func unknownTopLevelMemberSuggests() {
        let found = diagnostics(
            """
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
        let found = diagnostics(
            """
            {"sources": [{"use": "pattern", "template": "x{n}", "to": 1}],
             "sinks": [{"use": "jsonl", "path": "${NOT_SET_ANYWHERE}/a"}]}
            """)
        #expect(found.first?.path.description == "$.sinks[0].path")
        #expect(found.first?.message.contains("NOT_SET_ANYWHERE is not set") == true)
    }

    @Test func aReferenceMayStandForANumber() throws {
        let loader = PipelineLoader(registry: .builtins, environment: ["LAST": "7"])
        let pipeline = try loader.load(
            text: """
                {"sources": [{"use": "pattern", "template": "x{n}", "to": "${LAST}"}], "sinks": [{"use": "jsonl", "path": "a"}]}
                """)
        #expect(pipeline.sources.count == 1)
    }

    // MARK: Strict reading (issue #10)

    @Test func aKeyGivenTwiceNamesBothPlacesAndItsPath() {
        // Without the check the second "sinks" silently replaced the first.
        let text = """
            {"sources": [{"use": "pattern", "template": "x{n}", "to": 1}],
             "sinks": [{"use": "jsonl", "path": "a.jsonl"}],
             "sinks": [{"use": "jsonl", "path": "b.jsonl", "path": "c.jsonl"}]}
            """
        let found = diagnostics(text)
        #expect(found.count == 2)
        let sinks = found.first { $0.path.description == "$.sinks" }
        #expect(sinks?.location == SourceLocation(line: 3, column: 2))
        #expect(sinks?.message == "member \"sinks\" is given twice, first at 2:2 and again at 3:2; keep one (a JSON reader would silently use only the last)")
        let path = found.first { $0.path.description == "$.sinks[0].path" }
        #expect(path?.location == SourceLocation(line: 3, column: 48))
        #expect(path?.message.contains("first at 3:29 and again at 3:48") == true)
        do {
            _ = try loader.load(text: text, file: "test.json")
        } catch {
            #expect(error.description.contains("test.json:3:2: error: $.sinks: member \"sinks\" is given twice, first at 2:2"))
        }
    }

    @Test func aKeyGivenTwiceIsReportedWithTheOtherProblems() {
        let found = diagnostics(
            """
            {"sources": [{"use": "pattern", "template": "x{n}", "to": 1, "to": 2}], "sink": [],
             "sinks": [{"use": "jsonl", "path": "a"}]}
            """)
        #expect(found.contains { $0.path.description == "$.sources[0].to" && $0.message.contains("is given twice") })
        #expect(found.contains { $0.path.description == "$.sink" && $0.message.contains("did you mean \"sinks\"?") })
        // Only the one message for the repeated option, not a second one from the plugin's checks.
        #expect(found.filter { $0.path.description == "$.sources[0].to" }.count == 1)
    }

    @Test func aFileThatIsNotUTF8IsRejectedAtTheBadByte() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = folder.path("latin1.json")
        // Line 2 holds "é" (two bytes, one column) before the stray byte 0xFF.
        let bytes = Array("{\"name\": \"demo\",\n  \"description\": \"é".utf8) + [0xFF] + Array("x\",\n \"sinks\": []}".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        do {
            _ = try loader.load(file: file)
            Issue.record("a file with invalid UTF-8 loaded")
        } catch {
            #expect(error.diagnostics.count == 1)
            #expect(error.diagnostics.first?.location == SourceLocation(line: 2, column: 20))
            #expect(error.diagnostics.first?.message == "invalid JSON: the file is not UTF-8 text: byte 0xFF at byte offset 37 is not valid UTF-8")
        }
        // An overlong encoding of "/" (0xC0 0xAF) is not UTF-8 either.
        try Data(Array("{\"name\": \"a".utf8) + [0xC0, 0xAF] + Array("b\"}".utf8)).write(to: URL(fileURLWithPath: file))
        #expect(throws: PipelineError.self) { try loader.load(file: file) }
    }

    @Test func nulInAStringIsRejectedRawOrEscaped() {
        // A path would end at the NUL when handed to the system: "a\u0000b" would write "a".
        let escaped = diagnostics(
            """
            {"sources": [{"use": "pattern", "template": "x{n}", "to": 1}],
             "sinks": [{"use": "jsonl", "path": "a\\u0000b.jsonl"}]}
            """)
        #expect(escaped.count == 1)
        #expect(escaped.first?.location == SourceLocation(line: 2, column: 39))
        #expect(escaped.first?.message.hasPrefix("invalid JSON: NUL character (\\u0000) in string") == true)
        let raw = diagnostics("{\"sources\": [], \"sinks\": [{\"use\": \"jsonl\", \"path\": \"a\u{0}b\"}]}")
        #expect(raw.first?.location == SourceLocation(line: 1, column: 54))
        #expect(raw.first?.message.hasPrefix("invalid JSON: NUL byte in string") == true)
        // Other JSON (a page's JSON-LD) may still hold \u0000.
        #expect(throws: Never.self) { try JSONNodeParser.parse("{\"a\": \"x\\u0000\"}") }
    }

    @Test(arguments: ["\\uD800", "\\uDBFF\\u0041", "\\uDC00", "x\\uDFFF"])
    func aLoneSurrogateEscapeIsRejected(escape: String) {
        let found = diagnostics("{\"name\": \"\(escape)\", \"sinks\": []}")
        #expect(found.count == 1)
        #expect(found.first?.message.contains("unpaired surrogate") == true)
        // The column of the escape's backslash.
        #expect(found.first?.location == SourceLocation(line: 1, column: escape.hasPrefix("x") ? 12 : 11))
    }

    @Test func aSurrogatePairIsOneCharacter() throws {
        let pipeline = try loader.load(
            text: """
                {"name": "\\uD83D\\uDE00", "sources": [{"use": "pattern", "template": "x{n}", "to": 1}],
                 "sinks": [{"use": "jsonl", "path": "a"}]}
                """)
        #expect(pipeline.name == "😀")
    }
}
