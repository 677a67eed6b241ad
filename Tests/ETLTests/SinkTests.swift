import ETLKit
import Foundation
import GRDB
import Logging
import Testing

@testable import ETLPlugins

/// The `jsonl`, `sqlite` and `text` sinks: exact output, re-runs, and failures.
@Suite struct SinkTests {
    /// «می‌آید» and «گفت‌وگو» with their zero-width non-joiners (U+200C).
    static let persianTitle = "گفت\u{200C}وگوی تلفنی وزیران خارجه ایران و آذربایجان"
    static let persianLead = "رئیس\u{200C}جمهور گفت این سفر به زودی انجام می\u{200C}شود."

    static func article(_ url: String, title: String = persianTitle, extra: [String: JSONValue] = [:]) -> ETLKit.Record {
        var fields: [String: JSONValue] = [
            "title": .string(title),
            "lead": .string(persianLead),
            "body": ["بند اول می\u{200C}آید.", "بند دوم \"نقل\" و \\ بک\u{200C}اسلش.\nخط دوم"],
            "newsId": "1402033019738",
            "published": "2023-06-20T12:21:00+03:30",
            "tags": ["ایران", "آذربایجان"],
            "language": "fa",
        ]
        fields.merge(extra) { _, new in new }
        return ETLKit.Record(url: url, source: "urls", fields: fields)
    }

    // MARK: jsonl

    @Test func jsonLinesParseBackWithPersianTextByteForByte() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/nested/out/articles.jsonl"
            let sink = try JSONLSink(options: PluginOptions(["path": .string(path)]))
            let records = [
                Self.article("https://www.isna.ir/news/1402033019738/"),
                Self.article("https://example.com/b", extra: ["count": 3, "score": 0.5, "empty": nil, "nested": ["a": [1, true]]]),
            ]
            try await sink.open(context: testContext)
            for record in records { try await sink.write(record) }
            try await sink.close()

            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            let expected = records.map { JSONValue.object($0.output).jsonText() + "\n" }.joined()
            #expect(data == Data(expected.utf8))
            // The ZWNJ is written as its UTF-8 bytes (E2 80 8C), not as \u200c.
            #expect(data.range(of: Data(Self.persianTitle.utf8)) != nil)
            #expect(data.range(of: Data("\\u200c".utf8)) == nil)

            let lines = data.split(separator: UInt8(ascii: "\n"))
            #expect(lines.count == 2)
            let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0])) as? [String: Any])
            #expect(first["title"] as? String == Self.persianTitle)
            #expect(first["url"] as? String == "https://www.isna.ir/news/1402033019738/")
            #expect(first["body"] as? [String] == ["بند اول می\u{200C}آید.", "بند دوم \"نقل\" و \\ بک\u{200C}اسلش.\nخط دوم"])
            let second = try #require(try JSONSerialization.jsonObject(with: Data(lines[1])) as? [String: Any])
            #expect((second["count"] as? NSNumber)?.intValue == 3)
            #expect((second["score"] as? NSNumber)?.doubleValue == 0.5)
            #expect(second["empty"] is NSNull)
            #expect(((second["nested"] as? [String: Any])?["a"] as? [Any])?.count == 2)
        }
    }

    @Test func jsonLinesAreBufferedAndFlushedEverySixtyFourRecords() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/out.jsonl"
            let sink = try JSONLSink(options: PluginOptions(["path": .string(path)]))
            try await sink.open(context: testContext)
            // Until close the lines go to the hidden file that will replace out.jsonl.
            let hidden = try directory + "/" + #require(try files(in: directory).first { $0.hasPrefix(".out.jsonl.etl-") })
            for index in 0..<63 { try await sink.write(ETLKit.Record(url: "https://example.com/\(index)", source: "urls")) }
            #expect(try lineCount(hidden) == 0)
            try await sink.write(ETLKit.Record(url: "https://example.com/63", source: "urls"))
            #expect(try lineCount(hidden) == 64)
            for index in 64..<100 { try await sink.write(ETLKit.Record(url: "https://example.com/\(index)", source: "urls")) }
            try await sink.close()
            let urls = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
            #expect(urls == (0..<100).map { "{\"url\":\"https://example.com/\($0)\"}" })
        }
    }

    @Test func overwriteReplacesAndAppendAdds() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/out.jsonl"
            try Data("{\"old\":1}\n".utf8).write(to: URL(fileURLWithPath: path))

            let overwrite = try JSONLSink(options: PluginOptions(["path": .string(path)]))
            #expect(overwrite.mode == .overwrite)
            try await overwrite.open(context: testContext)
            try await overwrite.write(ETLKit.Record(url: "https://example.com/1", source: "urls"))
            try await overwrite.close()
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "{\"url\":\"https://example.com/1\"}\n")

            let append = try JSONLSink(options: PluginOptions(["path": .string(path), "mode": "append"]))
            try await append.open(context: testContext)
            try await append.write(ETLKit.Record(url: "https://example.com/2", source: "urls"))
            try await append.close()
            #expect(
                try String(contentsOfFile: path, encoding: .utf8)
                    == "{\"url\":\"https://example.com/1\"}\n{\"url\":\"https://example.com/2\"}\n")
        }
    }

    @Test func uniqueSkipsALineAlreadyThereButWritesAnUpdate() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/articles.jsonl"
            func record(_ url: String, title: String) -> ETLKit.Record {
                var record = ETLKit.Record(url: url, source: "urls")
                record.fields["title"] = .string(title)
                return record
            }
            try Data("{\"title\":\"First\",\"url\":\"https://example.com/1\"}\n".utf8).write(to: URL(fileURLWithPath: path))
            let sink = try JSONLSink(options: PluginOptions(["path": .string(path), "mode": "append", "unique": "url"]))
            try await sink.open(context: testContext)
            // A replay of the same record: nothing doubled.
            try await sink.write(record("https://example.com/1", title: "First"))
            // The article was edited: its new version is written, and is the last line of its URL.
            try await sink.write(record("https://example.com/1", title: "First, corrected"))
            try await sink.write(record("https://example.com/2", title: "Second"))
            try await sink.write(record("https://example.com/1", title: "First, corrected"))
            try await sink.close()
            #expect(
                try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") == [
                    "{\"title\":\"First\",\"url\":\"https://example.com/1\"}",
                    "{\"title\":\"First, corrected\",\"url\":\"https://example.com/1\"}",
                    "{\"title\":\"Second\",\"url\":\"https://example.com/2\"}",
                ])
        }
    }

    /// A page fetched again (after a kill, or unchanged since the last run) differs only in the time
    /// of its fetch: that is not a new version.
    @Test func uniqueTakesARefetchOfTheSameContentForTheSameVersion() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/articles.jsonl"
            func record(fetchedAt: String, title: String) -> ETLKit.Record {
                var record = ETLKit.Record(url: "https://example.com/1", source: "urls")
                record.fields["title"] = .string(title)
                record.fields["fetchedAt"] = .string(fetchedAt)
                return record
            }
            try Data("{\"fetchedAt\":\"2026-11-25T10:00:00Z\",\"title\":\"First\",\"url\":\"https://example.com/1\"}\n".utf8).write(
                to: URL(fileURLWithPath: path))
            let sink = try JSONLSink(options: PluginOptions(["path": .string(path), "mode": "append", "unique": "url"]))
            try await sink.open(context: testContext)
            try await sink.write(record(fetchedAt: "2026-11-26T10:00:00Z", title: "First"))
            try await sink.write(record(fetchedAt: "2026-11-26T11:00:00Z", title: "First, corrected"))
            try await sink.write(record(fetchedAt: "2026-11-26T12:00:00Z", title: "First, corrected"))
            try await sink.close()
            #expect(
                try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") == [
                    "{\"fetchedAt\":\"2026-11-25T10:00:00Z\",\"title\":\"First\",\"url\":\"https://example.com/1\"}",
                    "{\"fetchedAt\":\"2026-11-26T11:00:00Z\",\"title\":\"First, corrected\",\"url\":\"https://example.com/1\"}",
                ])
        }
    }

    /// Opening a `unique` file reads the index beside it, not the file: a line changed by hand to
    /// another value of the same length goes unseen while the index describes the file's size, and
    /// is read once the sizes differ (the index rebuilt).
    @Test func uniqueReadsTheIndexBesideTheFileNotTheFile() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/articles.jsonl"
            func record(_ url: String) -> ETLKit.Record {
                var record = ETLKit.Record(url: url, source: "urls")
                record.fields["title"] = "T"
                return record
            }
            let options = PluginOptions(["path": .string(path), "mode": "append", "unique": "url"])
            let first = try JSONLSink(options: options)
            try await first.open(context: testContext)
            for index in 1...3 { try await first.write(record("https://example.com/\(index)")) }
            try await first.close()
            #expect(FileManager.default.fileExists(atPath: JSONLUniqueIndex.path(for: path)))
            #expect(JSONLUniqueIndex.path(for: path) == directory + "/.articles.jsonl.etl-unique.sqlite")
            // /3 becomes /4 by hand, same length: the index still says /3.
            let text = try String(contentsOfFile: path, encoding: .utf8)
            try text.replacingOccurrences(of: "example.com/3", with: "example.com/4").write(toFile: path, atomically: false, encoding: .utf8)
            let second = try JSONLSink(options: options)
            try await second.open(context: testContext)
            try await second.write(record("https://example.com/3"))  // in the index: skipped
            try await second.write(record("https://example.com/4"))  // not in the index: written
            try await second.close()
            #expect(try lineCount(path) == 4)
            // A line added by hand changes the size: the index is rebuilt from the file and knows /5.
            try (try String(contentsOfFile: path, encoding: .utf8) + "{\"title\":\"T\",\"url\":\"https://example.com/5\"}\n")
                .write(toFile: path, atomically: false, encoding: .utf8)
            let third = try JSONLSink(options: options)
            try await third.open(context: testContext)
            try await third.write(record("https://example.com/5"))
            try await third.write(record("https://example.com/1"))
            try await third.close()
            #expect(try lineCount(path) == 5)
        }
    }

    // MARK: jsonl: replaced, not truncated (issue #10)

    /// Five old lines, as the last run left them.
    static let lastRun = Data((1...5).map { "{\"url\":\"https://example.com/old/\($0)\"}\n" }.joined().utf8)

    @Test func overwriteWritesBesideTheFileAndReplacesItAtClose() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/articles.jsonl"
            try Self.lastRun.write(to: URL(fileURLWithPath: path))
            let sink = try JSONLSink(options: PluginOptions(["path": .string(path)]))
            try await sink.open(context: testContext)
            for index in 0..<70 { try await sink.write(ETLKit.Record(url: "https://example.com/\(index)", source: "urls")) }
            try await sink.flush()
            // While the run goes on, the last run's file is whole; the new one is a hidden file beside it.
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Self.lastRun)
            let during = try files(in: directory)
            #expect(during.count == 2)
            #expect(during.contains { $0.hasPrefix(".articles.jsonl.etl-\(getpid())-") && $0.hasSuffix(".tmp") })
            try await sink.close()
            #expect(try lineCount(path) == 70)
            #expect(try files(in: directory) == ["articles.jsonl"])
        }
    }

    @Test func aDiscardedOverwriteLeavesTheLastFileExactlyAndNoHiddenFile() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/articles.jsonl"
            try Self.lastRun.write(to: URL(fileURLWithPath: path))
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
            let sink = try JSONLSink(options: PluginOptions(["path": .string(path)]))
            try await sink.open(context: testContext)
            for index in 0..<70 { try await sink.write(ETLKit.Record(url: "https://example.com/\(index)", source: "urls")) }
            try await sink.discard()
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Self.lastRun)
            #expect(try files(in: directory) == ["articles.jsonl"])

            // A run that succeeds keeps the file's permissions.
            let next = try JSONLSink(options: PluginOptions(["path": .string(path)]))
            try await next.open(context: testContext)
            try await next.write(ETLKit.Record(url: "https://example.com/new", source: "urls"))
            try await next.close()
            #expect(try lineCount(path) == 1)
            let permissions = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(permissions == 0o600)
        }
    }

    @Test func appendWritesTheRealFileEvenWhenDiscarded() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/articles.jsonl"
            try Self.lastRun.write(to: URL(fileURLWithPath: path))
            let sink = try JSONLSink(options: PluginOptions(["path": .string(path), "mode": "append"]))
            try await sink.open(context: testContext)
            try await sink.write(ETLKit.Record(url: "https://example.com/new", source: "urls"))
            try await sink.discard()
            #expect(try lineCount(path) == 6)
            #expect(try files(in: directory) == ["articles.jsonl"])
        }
    }

    @Test func overwriteRefusesALinkOrAFolderAndLeavesThemAlone() async throws {
        try await withTemporaryDirectory { directory in
            let outside = directory + "/outside.jsonl"
            try Self.lastRun.write(to: URL(fileURLWithPath: outside))
            try FileManager.default.createSymbolicLink(atPath: directory + "/link.jsonl", withDestinationPath: outside)
            let linked = try JSONLSink(options: PluginOptions(["path": .string(directory + "/link.jsonl")]))
            let error = try await #require(throws: JSONLSinkError.self) { try await linked.open(context: testContext) }
            #expect(error.description == "cannot open \(directory)/link.jsonl for writing: it is a symbolic link (outputs are not written through links)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: outside)) == Self.lastRun)

            try FileManager.default.createDirectory(atPath: directory + "/folder.jsonl", withIntermediateDirectories: false)
            let folder = try JSONLSink(options: PluginOptions(["path": .string(directory + "/folder.jsonl")]))
            await #expect(throws: JSONLSinkError.self) { try await folder.open(context: testContext) }
            #expect(try files(in: directory) == ["folder.jsonl", "link.jsonl", "outside.jsonl"])
        }
    }

    @Test func hiddenFilesOfKilledRunsAreRemovedAtOpen() async throws {
        try await withTemporaryDirectory { directory in
            // Int32.max is past any pid_max: no such process. getpid() is this process: still running.
            let abandoned = ".articles.jsonl.etl-\(Int32.max)-9f3a1c07.tmp"
            let running = ".articles.jsonl.etl-\(getpid())-1234abcd.tmp"
            for name in [abandoned, running, ".other.etl-x.tmp", "keep.txt"] {
                try Data("x\n".utf8).write(to: URL(fileURLWithPath: directory + "/" + name))
            }
            #expect(OutputFile.temporaryFileOwner(abandoned) == Int32.max)
            #expect(OutputFile.temporaryFileOwner("keep.txt") == nil)
            let sink = try JSONLSink(options: PluginOptions(["path": .string(directory + "/articles.jsonl")]))
            try await sink.open(context: testContext)
            try await sink.close()
            #expect(try files(in: directory) == [running, ".other.etl-x.tmp", "articles.jsonl", "keep.txt"])
        }
    }

    @Test func parentDirectoryOfShortPaths() {
        // NSString.deletingLastPathComponent traps on "-" (the run died with SIGILL).
        #expect(OutputFile.parentDirectory(of: "-") == nil)
        #expect(OutputFile.parentDirectory(of: "a") == nil)
        #expect(OutputFile.parentDirectory(of: "/a") == "/")
        #expect(OutputFile.parentDirectory(of: "out/a.jsonl") == "out")
        #expect(OutputFile.fileName(of: "out/a.jsonl") == "a.jsonl")
        #expect(OutputFile.fileName(of: "a") == "a")
        #expect(throws: OutputFileError.self) { try OutputFile.replacing("out/") }
    }

    @Test func appendStartsOnANewLineAfterAnIncompleteLastLine() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/out.jsonl"
            try Data("{\"url\":\"a\"}\n{\"url\":\"b".utf8).write(to: URL(fileURLWithPath: path))
            let sink = try JSONLSink(options: PluginOptions(["path": .string(path), "mode": "append"]))
            try await sink.open(context: testContext)
            try await sink.write(ETLKit.Record(url: "c", source: "urls"))
            try await sink.close()
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "{\"url\":\"a\"}\n{\"url\":\"b\n{\"url\":\"c\"}\n")
        }
    }

    @Test func jsonLinesOptionsAndOpenErrors() async throws {
        #expect(throws: OptionError.self) { try JSONLSink(options: PluginOptions([:])) }
        // Options reach a plugin validated: an unknown mode is the loader's error, with its place.
        let loading = #"{"sources": [{"use": "urls", "urls": ["https://example.com/"]}], "sinks": [{"use": "jsonl", "path": "x.jsonl", "mode": "truncate"}]}"#
        let error = try #require(throws: PipelineError.self) { try PipelineLoader(registry: .builtins, environment: [:]).load(text: loading) }
        #expect(error.description.contains("$.sinks[0].mode") && error.description.contains("\"truncate\" is not one of \"overwrite\", \"append\""), "\(error)")
        try await withTemporaryDirectory { directory in
            // The parent "directory" is a file: open fails with the path in the reason.
            try Data().write(to: URL(fileURLWithPath: directory + "/file"))
            let sink = try JSONLSink(options: PluginOptions(["path": .string(directory + "/file/out.jsonl")]))
            let error = try await #require(throws: JSONLSinkError.self) { try await sink.open(context: testContext) }
            #expect(error.description.contains(directory + "/file"))
            await #expect(throws: JSONLSinkError.self) { try await sink.write(ETLKit.Record(url: "a", source: "urls")) }
        }
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/dev/full")))
    func aFailedBatchWriteFailsTheRecordThatTriggeredItAndKeepsTheRest() async throws {
        // Every write to /dev/full fails with "No space left on device".
        let sink = try JSONLSink(options: PluginOptions(["path": "/dev/full"]))
        try await sink.open(context: testContext)
        for index in 0..<63 { try await sink.write(ETLKit.Record(url: "https://example.com/\(index)", source: "urls")) }
        let error = try await #require(throws: JSONLSinkError.self) {
            try await sink.write(ETLKit.Record(url: "https://example.com/63", source: "urls"))
        }
        #expect(error.description == "cannot write 64 records to /dev/full: No space left on device")
        // The 63 earlier records are still buffered, and close says it could not write them.
        let closing = try await #require(throws: JSONLSinkError.self) { try await sink.close() }
        #expect(closing.description == "cannot write 63 records to /dev/full: No space left on device")
    }

    // MARK: sqlite

    @Test func sqliteUpsertsOnTheURLWithColumnsAndData() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/db/articles.sqlite"
            let sink = try SQLiteSink(options: PluginOptions(["path": .string(path)]))
            let url = "https://www.isna.ir/news/1402033019738/"
            let second = Self.article(
                url, title: "عنوان دوم", extra: ["pretitle": nil, "authors": ["name": "خبرنگار"], "category": 7, "images": [], "score": 2.5])
            try await sink.open(context: testContext)
            try await sink.write(Self.article(url))
            try await sink.write(Self.article("https://example.com/other"))
            try await sink.write(second)
            try await sink.close()

            let database = try DatabaseQueue(path: path)
            try await database.read { database in
                #expect(try Int.fetchOne(database, sql: "SELECT COUNT(*) FROM articles") == 2)
                #expect(try String.fetchOne(database, sql: "PRAGMA journal_mode") == "wal")
                let row = try #require(try Row.fetchOne(database, sql: "SELECT * FROM articles WHERE url = ?", arguments: [url]))
                #expect(row["title"] as String? == "عنوان دوم")
                #expect(row["lead"] as String? == Self.persianLead)
                #expect(row["body"] as String? == "بند اول می\u{200C}آید.\n\nبند دوم \"نقل\" و \\ بک\u{200C}اسلش.\nخط دوم")
                #expect(row["tags"] as String? == "[\"ایران\",\"آذربایجان\"]")
                #expect(row["newsId"] as String? == "1402033019738")
                #expect(row["authors"] as String? == "{\"name\":\"خبرنگار\"}")
                #expect(row["category"] as String? == "7")
                #expect(row["images"] as String? == "[]")
                #expect(row["pretitle"] as String? == nil)
                #expect(row["modified"] as String? == nil)
                #expect(row["data"] as String? == JSONValue.object(second.output).jsonText())
                let updatedAt = try #require(row["updatedAt"] as String?)
                #expect(updatedAt.hasSuffix("Z") && updatedAt.count == 20)
                #expect(row.columnNames.contains("score") == false)

                let columns = try database.columns(in: "articles").map(\.name)
                #expect(columns == ["url"] + ArticleField.columns.dropFirst() + ["data", "updatedAt"])
                #expect(try database.primaryKey("articles").columns == ["url"])
            }
            try database.close()
        }
    }

    @Test func sqliteAddsMissingColumnsToAnExistingTable() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/articles.sqlite"
            let narrow = try SQLiteSink(options: PluginOptions(["path": .string(path), "table": "news", "columns": ["title"]]))
            try await narrow.open(context: testContext)
            try await narrow.write(Self.article("https://example.com/a", title: "اول"))
            try await narrow.close()

            let wide = try SQLiteSink(options: PluginOptions(["path": .string(path), "table": "news", "columns": ["title", "lead", "site"]]))
            try await wide.open(context: testContext)
            try await wide.write(Self.article("https://example.com/b", title: "دوم"))
            try await wide.close()

            let database = try DatabaseQueue(path: path)
            try await database.read { database in
                #expect(try database.columns(in: "news").map(\.name) == ["url", "title", "data", "updatedAt", "lead", "site"])
                let rows = try Row.fetchAll(database, sql: "SELECT url, title, lead, site FROM news ORDER BY url")
                #expect(rows.count == 2)
                #expect(rows[0]["title"] as String? == "اول")
                #expect(rows[0]["lead"] as String? == nil)
                #expect(rows[1]["title"] as String? == "دوم")
                #expect(rows[1]["lead"] as String? == Self.persianLead)
            }
            try database.close()
        }
    }

    @Test func sqliteGivesATableWithoutTheKeyColumnOneWithAUniqueIndex() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/articles.sqlite"
            let database = try DatabaseQueue(path: path)
            try await database.write { database in
                try database.execute(sql: "CREATE TABLE articles (id INTEGER PRIMARY KEY, title TEXT)")
            }
            try database.close()

            let sink = try SQLiteSink(options: PluginOptions(["path": .string(path), "columns": ["title"]]))
            try await sink.open(context: testContext)
            try await sink.write(Self.article("https://example.com/a", title: "یک"))
            try await sink.write(Self.article("https://example.com/a", title: "دو"))
            try await sink.close()

            let reopened = try DatabaseQueue(path: path)
            try await reopened.read { database in
                let titles = try String.fetchAll(database, sql: "SELECT title FROM articles")
                #expect(titles == ["دو"])
            }
            try reopened.close()
        }
    }

    @Test func sqliteKeysOnAnotherFieldAndFailsForARecordWithoutIt() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/articles.sqlite"
            let sink = try SQLiteSink(options: PluginOptions(["path": .string(path), "key": "newsId"]))
            #expect(sink.columns.first == "url")
            #expect(!sink.columns.contains("newsId"))
            try await sink.open(context: testContext)
            try await sink.write(Self.article("https://example.com/a"))
            try await sink.write(Self.article("https://example.com/a-again", title: "تازه"))
            let error = try await #require(throws: SQLiteSinkError.self) {
                try await sink.write(ETLKit.Record(url: "https://example.com/no-id", source: "urls", fields: ["title": "x"]))
            }
            #expect(error.description == "the record for https://example.com/no-id has no \"newsId\" field, the key of the SQLite table")
            try await sink.close()

            let database = try DatabaseQueue(path: path)
            try await database.read { database in
                let rows = try Row.fetchAll(database, sql: "SELECT newsId, url, title FROM articles")
                #expect(rows.count == 1)
                #expect(rows.first?["url"] as String? == "https://example.com/a-again")
                #expect(rows.first?["title"] as String? == "تازه")
            }
            try database.close()
        }
    }

    @Test(
        arguments: [
            ["table": "articles; DROP TABLE x"],
            ["table": "1articles"],
            ["key": "news-id"],
            ["key": "data"],
            ["columns": ["title", "lead text"]],
            ["columns": ["title", "Title"]],
            ["columns": ["updatedAt"]],
            ["columns": ["عنوان"]],
        ] as [[String: JSONValue]])
    func sqliteRejectsBadNames(options: [String: JSONValue]) throws {
        let error = try #require(throws: OptionError.self) {
            try SQLiteSink(options: PluginOptions(options.merging(["path": "x.sqlite"]) { old, _ in old }))
        }
        #expect(options.keys.contains(error.option))
    }

    @Test func sqliteColumnValues() {
        #expect(SQLiteSink.columnValue(nil, column: "title") == nil)
        #expect(SQLiteSink.columnValue(.null, column: "title") == nil)
        #expect(SQLiteSink.columnValue("متن", column: "title") == "متن")
        #expect(SQLiteSink.columnValue(["a", "b"], column: "body") == "a\n\nb")
        #expect(SQLiteSink.columnValue(["a", 1], column: "body") == "[\"a\",1]")
        #expect(SQLiteSink.columnValue(["a", "b"], column: "tags") == "[\"a\",\"b\"]")
        #expect(SQLiteSink.columnValue(42, column: "newsId") == "42")
        #expect(SQLiteSink.columnValue(2.5, column: "score") == "2.5")
        #expect(SQLiteSink.columnValue(true, column: "flag") == "true")
    }

    // MARK: text

    @Test func textFilesHaveTheReferenceFormatAndName() async throws {
        try await withTemporaryDirectory { directory in
            let folder = directory + "/corpus"
            let sink = try TextSink(options: PluginOptions(["directory": .string(folder)]))
            try await sink.open(context: testContext)
            try await sink.write(
                ETLKit.Record(
                    url: "https://example.com/a", source: "urls",
                    fields: [
                        "title": " عنوان\nخبر ",
                        "lead": "لید می\u{200C}آید.",
                        "body": "بند یک\n\n\n  بند دو\r\nادامه  \n \nبند سه\n",
                    ]))
            // No title, body as a list.
            try await sink.write(
                ETLKit.Record(
                    url: "https://example.com/b", source: "urls",
                    fields: [
                        "lead": "فقط لید",
                        "body": ["یک", "", "  دو  "],
                    ]))
            try await sink.close()

            #expect(try files(in: folder) == ["000_2dce0a4c50441bfc.txt", "001_d7fe568b31ae0fb9.txt"])
            #expect(
                try Data(contentsOf: URL(fileURLWithPath: folder + "/000_2dce0a4c50441bfc.txt"))
                    == Data("عنوان خبر\n\nلید می\u{200C}آید.\n\nبند یک\n\nبند دو\nادامه\n\nبند سه".utf8))
            #expect(try String(contentsOfFile: folder + "/001_d7fe568b31ae0fb9.txt", encoding: .utf8) == "فقط لید\n\nیک\n\nدو")
        }
    }

    @Test func textReRunsOverwriteTheirFileAndNumberNewOnesAfterTheHighest() async throws {
        try await withTemporaryDirectory { directory in
            let first = try TextSink(options: PluginOptions(["directory": .string(directory)]))
            try await first.open(context: testContext)
            try await first.write(ETLKit.Record(url: "https://example.com/a", source: "urls", fields: ["title": "A1"]))
            try await first.write(ETLKit.Record(url: "https://example.com/b", source: "urls", fields: ["title": "B1"]))
            try await first.write(ETLKit.Record(url: "https://example.com/a", source: "urls", fields: ["title": "A2"]))
            try await first.close()
            #expect(try files(in: directory) == ["000_2dce0a4c50441bfc.txt", "001_d7fe568b31ae0fb9.txt"])
            #expect(try String(contentsOfFile: directory + "/000_2dce0a4c50441bfc.txt", encoding: .utf8) == "A2")

            // Someone's file with a higher number, and files that are not the sink's.
            try Data("x".utf8).write(to: URL(fileURLWithPath: directory + "/041_0123456789abcdef.txt"))
            try Data("x".utf8).write(to: URL(fileURLWithPath: directory + "/999_notahash.txt"))
            try Data("x".utf8).write(to: URL(fileURLWithPath: directory + "/77_0123456789abcdee.txt"))

            let second = try TextSink(options: PluginOptions(["directory": .string(directory)]))
            try await second.open(context: testContext)
            try await second.write(ETLKit.Record(url: "https://example.com/c", source: "urls", fields: ["title": "C"]))
            try await second.write(ETLKit.Record(url: "https://example.com/b", source: "urls", fields: ["title": "B2"]))
            try await second.close()
            #expect(
                try files(in: directory) == [
                    "000_2dce0a4c50441bfc.txt", "001_d7fe568b31ae0fb9.txt", "041_0123456789abcdef.txt",
                    "042_b67d422a613047e3.txt", "77_0123456789abcdee.txt", "999_notahash.txt",
                ])
            #expect(try String(contentsOfFile: directory + "/001_d7fe568b31ae0fb9.txt", encoding: .utf8) == "B2")
            #expect(try String(contentsOfFile: directory + "/042_b67d422a613047e3.txt", encoding: .utf8) == "C")
        }
    }

    @Test func textNamesPastNineHundredNinetyNineGrow() {
        #expect(TextSink.fileName(number: 7, hash: "0123456789abcdef") == "007_0123456789abcdef.txt")
        #expect(TextSink.fileName(number: 1234, hash: "0123456789abcdef") == "1234_0123456789abcdef.txt")
        #expect(TextSink.parseFileName("1234_0123456789abcdef.txt")?.number == 1234)
        #expect(TextSink.parseFileName("012_0123456789ABCDEF.txt") == nil)
        #expect(TextSink.parseFileName("012_0123456789abcdef.txt.tmp") == nil)
    }

    @Test func aTextRecordWithAPathLikeURLStaysInsideTheFolder() async throws {
        try await withTemporaryDirectory { directory in
            let folder = directory + "/a/b"
            let sink = try TextSink(options: PluginOptions(["directory": .string(folder)]))
            try await sink.open(context: testContext)
            try await sink.write(
                ETLKit.Record(
                    url: "../../etc/passwd", source: "urls",
                    fields: [
                        "title": "x", "url": "../../../../../../tmp/evil",
                    ]))
            try await sink.close()
            #expect(try files(in: folder) == ["000_3754d6cb3a38e118.txt"])
            #expect(try files(in: directory) == ["a"])
            #expect(try files(in: directory + "/a") == ["b"])
        }
    }

    @Test func textRefusesToWriteThroughASymbolicLink() async throws {
        try await withTemporaryDirectory { directory in
            let folder = directory + "/corpus"
            let outside = directory + "/outside.txt"
            try Data("untouched".utf8).write(to: URL(fileURLWithPath: outside))
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: folder + "/000_2dce0a4c50441bfc.txt", withDestinationPath: outside)

            let sink = try TextSink(options: PluginOptions(["directory": .string(folder)]))
            try await sink.open(context: testContext)
            let error = try await #require(throws: TextSinkError.self) {
                try await sink.write(ETLKit.Record(url: "https://example.com/a", source: "urls", fields: ["title": "x"]))
            }
            #expect(error.description == "refusing to write \(folder)/000_2dce0a4c50441bfc.txt: it is a symbolic link")
            // The next URL is numbered after the link's name and written normally.
            try await sink.write(ETLKit.Record(url: "https://example.com/b", source: "urls", fields: ["title": "y"]))
            try await sink.close()
            #expect(try String(contentsOfFile: outside, encoding: .utf8) == "untouched")
            #expect(try files(in: folder) == ["000_2dce0a4c50441bfc.txt", "001_d7fe568b31ae0fb9.txt"])
        }
    }

    @Test func aTextRecordWithNothingToWriteIsAnError() async throws {
        try await withTemporaryDirectory { directory in
            let sink = try TextSink(options: PluginOptions(["directory": .string(directory)]))
            try await sink.open(context: testContext)
            let error = try await #require(throws: TextSinkError.self) {
                try await sink.write(ETLKit.Record(url: "https://example.com/empty", source: "urls", fields: ["title": "  ", "body": []]))
            }
            #expect(error.description.contains("https://example.com/empty"))
            try await sink.close()
            #expect(try files(in: directory).isEmpty)
        }
    }

    @Test func theBuiltinsRegisterTheSinks() {
        let registry = PluginRegistry.builtins
        #expect(registry.plugin("jsonl") is JSONLSink.Type)
        #expect(registry.plugin("sqlite") is SQLiteSink.Type)
        #expect(registry.plugin("text") is TextSink.Type)
        #expect(["jsonl", "sqlite", "text"].allSatisfy(registry.ids(of: .sink).contains))
    }

    @Test func sinkOptionsDoNoIO() throws {
        // Plugins are built by `etl validate` too: nothing may be created then.
        let missing = FileManager.default.temporaryDirectory.path + "/etl-never-created-" + UUID().uuidString
        _ = try TextSink(options: PluginOptions(["directory": .string(missing)]))
        _ = try JSONLSink(options: PluginOptions(["path": .string(missing + "/a.jsonl")]))
        _ = try SQLiteSink(options: PluginOptions(["path": .string(missing + "/a.sqlite")]))
        #expect(!FileManager.default.fileExists(atPath: missing))
        #expect(throws: OptionError.self) { try TextSink(options: PluginOptions([:])) }
        #expect(throws: OptionError.self) { try SQLiteSink(options: PluginOptions([:])) }
    }
}

// MARK: Helpers

private let testContext = RunContext(logger: Logger(label: "etl.tests.sinks"))

/// The names in a folder, sorted (hidden temporary files included, so leftovers are caught).
private func files(in directory: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
}

private func lineCount(_ path: String) throws -> Int {
    try Data(contentsOf: URL(fileURLWithPath: path)).filter { $0 == UInt8(ascii: "\n") }.count
}

/// Runs `body` with a new empty folder, removed afterwards.
private func withTemporaryDirectory(_ body: (String) async throws -> Void) async throws {
    let path = FileManager.default.temporaryDirectory.path + "/etl-sink-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    try await body(path)
}
