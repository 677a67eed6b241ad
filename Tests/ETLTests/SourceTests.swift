import ETLKit
import Foundation
import Logging
import Testing

@testable import ETLPlugins

/// The `urls` and `files` sources: what they send, in which order, and how they fail.
@Suite struct SourceTests {
    // MARK: urls

    @Test func inlineURLsAreSentInOrder() async throws {
        let source = try URLListSource(
            options: PluginOptions([
                "urls": ["https://example.com/a", " http://example.org/b?x=1#top ", "file:///tmp/page.html"]
            ]))
        let records = try await collect(from: source)
        #expect(records.map(\.url) == ["https://example.com/a", "http://example.org/b?x=1#top", "file:///tmp/page.html"])
        #expect(records.allSatisfy { $0.source == "urls" })
    }

    @Test func aSingleInlineURLIsAListOfOne() async throws {
        let source = try URLListSource(options: PluginOptions(["urls": "https://isna.ir/news/1402033019738/"]))
        #expect(try await collect(from: source).map(\.url) == ["https://isna.ir/news/1402033019738/"])
    }

    @Test(arguments: [
        ("example.com/page", "is not an absolute URL"),
        ("ftp://example.com/file", "unsupported scheme \"ftp\""),
        ("https://", "has no host"),
        ("https://example.com/a https://example.com/b", "contains white space"),
        ("file:relative.html", "is not an absolute file URL"),
    ])
    func badInlineURLsAreOptionErrors(url: String, problem: String) throws {
        let error = try #require(throws: OptionError.self) {
            try URLListSource(options: PluginOptions(["urls": ["https://example.com/fine", .string(url)]]))
        }
        #expect(error.option == "urls")
        #expect(error.description.contains("\"\(url)\""))
        #expect(error.description.contains(problem))
    }

    @Test func urlsOrFileIsRequired() throws {
        let error = try #require(throws: OptionError.self) { try URLListSource(options: PluginOptions([:])) }
        #expect(error.option == "urls")
        #expect(error.description.contains("\"file\""))
        #expect(throws: OptionError.self) { try URLListSource(options: PluginOptions(["urls": []])) }
    }

    @Test func theFileIsNotReadWhenOptionsAreChecked() throws {
        // `etl validate` builds plugins: a list that does not exist yet must not fail there.
        let source = try URLListSource(options: PluginOptions(["file": "/nonexistent/etl/urls.txt"]))
        #expect(source.file == "/nonexistent/etl/urls.txt")
    }

    @Test func fileURLsFollowInlineOnesAndSkipCommentsAndBlankLines() async throws {
        try await withTemporaryDirectory { directory in
            let file = directory + "/urls.txt"
            try write(
                """
                \u{FEFF}# Iran–Azerbaijan coverage
                https://www.isna.ir/news/1402033019738/

                  https://www.asriran.com/fa/news/1\r
                # http://commented.out/
                \thttp://defapress.ir/fa/news/2  \n
                """, to: file)
            let source = try URLListSource(options: PluginOptions(["urls": "https://example.com/first", "file": .string(file)]))
            let records = try await collect(from: source)
            #expect(
                records.map(\.url) == [
                    "https://example.com/first",
                    "https://www.isna.ir/news/1402033019738/",
                    "https://www.asriran.com/fa/news/1",
                    "http://defapress.ir/fa/news/2",
                ])
        }
    }

    @Test func aBadLineInTheFileNamesFileAndLineAndStopsBeforeSending() async throws {
        try await withTemporaryDirectory { directory in
            let file = directory + "/urls.txt"
            try write("# list\nhttps://example.com/1\n\nwww.example.com/2\nhttps://example.com/3\n", to: file)
            let source = try URLListSource(options: PluginOptions(["file": .string(file)]))
            let collector = Collector()
            let error = try await #require(throws: URLListSourceError.self) {
                try await source.produce(into: collector.output, context: testContext)
            }
            guard error.code == .badLine else {
                Issue.record("expected a bad line, got \(error)")
                return
            }
            #expect(error.file == file)
            #expect(error.line == 4)
            #expect(error.text == "www.example.com/2")
            #expect(error.description.hasPrefix("\(file):4: bad URL \"www.example.com/2\""))
            #expect(await collector.records.isEmpty)
        }
    }

    @Test func aMissingFileIsAnErrorNamingIt() async throws {
        let source = try URLListSource(options: PluginOptions(["file": "/nonexistent/etl/urls.txt"]))
        let error = try await #require(throws: URLListSourceError.self) {
            try await source.produce(into: Collector().output, context: testContext)
        }
        #expect(error.description.contains("/nonexistent/etl/urls.txt"))
        #expect(error.description.contains("No such file"))
    }

    @Test func aLongFileIsReadAcrossChunks() async throws {
        try await withTemporaryDirectory { directory in
            let file = directory + "/urls.txt"
            // About 250 KB: several 64 KiB reads, with lines cut at chunk edges. No final line break.
            let urls = (0..<5000).map { "https://example.com/news/\($0)/\(String(repeating: "x", count: $0 % 37))" }
            try write(urls.joined(separator: "\n"), to: file)
            let source = try URLListSource(options: PluginOptions(["file": .string(file)]))
            #expect(try await collect(from: source).map(\.url) == urls)
        }
    }

    // MARK: files

    /// a.html, b.html, c.txt, sub/d.html, sub/deep/e.html, sub/.g.html, .hidden/f.html, a folder
    /// named dir.html, and sub/loop, a link back to the top.
    private func makeTree(in directory: String) throws {
        for path in ["a.html", "b.html", "c.txt", "sub/d.html", "sub/deep/e.html", "sub/.g.html", ".hidden/f.html", "dir.html/inner.txt"] {
            let full = directory + "/" + path
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try write(path, to: full)
        }
        try FileManager.default.createSymbolicLink(atPath: directory + "/sub/loop", withDestinationPath: directory)
    }

    private func fileSource(_ patterns: JSONValue, allowEmpty: Bool? = nil, in directory: String) throws -> FileSource {
        var options: [String: JSONValue] = ["glob": patterns]
        if let allowEmpty { options["allowEmpty"] = .bool(allowEmpty) }
        var source = try FileSource(options: PluginOptions(options))
        source.baseDirectory = directory
        return source
    }

    private func fileURLs(_ paths: [String], in directory: String) -> [String] {
        paths.map { URL(fileURLWithPath: directory + "/" + $0).absoluteString }
    }

    @Test func starMatchesFilesInOneFolder() async throws {
        try await withTemporaryDirectory { directory in
            try makeTree(in: directory)
            let records = try await collect(from: try fileSource("*.html", in: directory))
            // Not the folder dir.html, not sub/d.html.
            #expect(records.map(\.url) == fileURLs(["a.html", "b.html"], in: directory))
            #expect(records.allSatisfy { $0.source == "files" })
            #expect(records.first?.url.hasPrefix("file:///") == true)
        }
    }

    @Test func doubleStarMatchesAnyDepthButNotHiddenOrThroughLinkedFolders() async throws {
        try await withTemporaryDirectory { directory in
            try makeTree(in: directory)
            let records = try await collect(from: try fileSource("**/*.html", in: directory))
            #expect(records.map(\.url) == fileURLs(["a.html", "b.html", "sub/d.html", "sub/deep/e.html"], in: directory))

            let below = try await collect(from: try fileSource("sub/**", in: directory))
            #expect(below.map(\.url) == fileURLs(["sub/d.html", "sub/deep/e.html"], in: directory))

            let middle = try await collect(from: try fileSource("sub/**/e.html", in: directory))
            #expect(middle.map(\.url) == fileURLs(["sub/deep/e.html"], in: directory))
        }
    }

    @Test func questionMarkBracketsAndAbsolutePatterns() async throws {
        try await withTemporaryDirectory { directory in
            try makeTree(in: directory)
            let brackets = try await collect(from: try fileSource(.string(directory + "/[ab].htm?"), in: "/nonexistent"))
            #expect(brackets.map(\.url) == fileURLs(["a.html", "b.html"], in: directory))
            let hidden = try await collect(from: try fileSource(".hidden/*.html", in: directory))
            #expect(hidden.map(\.url) == fileURLs([".hidden/f.html"], in: directory))
        }
    }

    @Test func matchesAreSortedAndSentOnce() async throws {
        try await withTemporaryDirectory { directory in
            try makeTree(in: directory)
            let source = try fileSource(["sub/**/*.html", "b.html", "./a.html", "*.html", "sub/../a.html"], in: directory)
            #expect(
                try await collect(from: source).map(\.url)
                    == fileURLs(["a.html", "b.html", "sub/d.html", "sub/deep/e.html"], in: directory))
        }
    }

    @Test func aBaseFolderWithGlobCharactersInItsNameIsTakenLiterally() async throws {
        try await withTemporaryDirectory { directory in
            let base = directory + "/[draft] *"
            try FileManager.default.createDirectory(atPath: base + "/x", withIntermediateDirectories: true)
            try write("one", to: base + "/one.html")
            try write("two", to: base + "/x/two.html")
            #expect(try await collect(from: try fileSource("*.html", in: base)).map(\.url) == fileURLs(["one.html"], in: base))
            #expect(try await collect(from: try fileSource("**/*.html", in: base)).map(\.url) == fileURLs(["one.html", "x/two.html"], in: base))
        }
    }

    @Test func aPatternThatMatchesNothingIsAnError() async throws {
        try await withTemporaryDirectory { directory in
            try makeTree(in: directory)
            for pattern in ["*.xml", "**/*.xml", "dir.html"] {
                let source = try fileSource(["*.html", .string(pattern)], in: directory)
                let collector = Collector()
                let error = try await #require(throws: FileSourceError.self) {
                    try await source.produce(into: collector.output, context: testContext)
                }
                #expect(error.description.hasPrefix("no files match \"\(pattern)\" in \(directory)"))
                #expect(await collector.records.isEmpty)
            }
        }
    }

    @Test func allowEmptyAcceptsPatternsThatMatchNothing() async throws {
        try await withTemporaryDirectory { directory in
            try makeTree(in: directory)
            let none = try await collect(from: try fileSource("**/*.xml", allowEmpty: true, in: directory))
            #expect(none.isEmpty)
            let some = try await collect(from: try fileSource(["*.xml", "c.txt"], allowEmpty: true, in: directory))
            #expect(some.map(\.url) == fileURLs(["c.txt"], in: directory))
        }
    }

    @Test func relativePatternsStartFromTheCurrentDirectoryByDefault() throws {
        let source = try FileSource(options: PluginOptions(["glob": "Package.swift"]))
        let expected = URL(fileURLWithPath: FileManager.default.currentDirectoryPath + "/Package.swift").absoluteString
        if FileManager.default.fileExists(atPath: "Package.swift") {
            #expect(try source.matchingFileURLs() == [expected])
        } else {
            #expect(throws: FileSourceError.self) { try source.matchingFileURLs() }
        }
    }

    @Test func theBuiltinsRegisterTheSources() {
        let registry = PluginRegistry.builtins
        #expect(registry.plugin("urls") is URLListSource.Type)
        #expect(registry.plugin("files") is FileSource.Type)
    }

    @Test func globIsRequired() throws {
        #expect(throws: OptionError.self) { try FileSource(options: PluginOptions([:])) }
        #expect(throws: OptionError.self) { try FileSource(options: PluginOptions(["glob": []])) }
        #expect(throws: OptionError.self) { try FileSource(options: PluginOptions(["glob": ""])) }
    }
}

// MARK: Helpers

private let testContext = RunContext(logger: Logger(label: "etl.tests.sources"))

/// Keeps what a source sends.
private actor Collector {
    private(set) var records: [Record] = []

    nonisolated var output: RecordOutput {
        RecordOutput { record in await self.add(record) }
    }

    private func add(_ record: Record) {
        records.append(record)
    }
}

private func collect(from source: some Source) async throws -> [Record] {
    let collector = Collector()
    try await source.produce(into: collector.output, context: testContext)
    return await collector.records
}

private func write(_ text: String, to path: String) throws {
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
}

/// Runs `body` with a new empty folder, removed afterwards.
private func withTemporaryDirectory(_ body: (String) async throws -> Void) async throws {
    let path = FileManager.default.temporaryDirectory.path + "/etl-source-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    try await body(path)
}
