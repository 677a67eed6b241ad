import ETLKit
import ETLTestSupport
import Foundation
import GRDB
import Logging
import Testing

@testable import ETLPlugins

/// The `dedup` transform: canonical URLs, content hashes, SimHash near-duplicates, drop or mark,
/// and state across runs.
@Suite struct DedupTests {
    let context = RunContext(logger: Logger(label: "etl.tests.dedup"))

    func dedup(_ options: [String: JSONValue] = [:]) throws -> Deduplicator {
        try Deduplicator(options: PluginOptions(options))
    }

    func story(_ url: String, _ body: String, canonical: String? = nil) -> ETLKit.Record {
        var record = ETLKit.Record(url: url, source: "urls")
        record.fields["body"] = .string(body)
        if let canonical { record.fields["canonicalUrl"] = .string(canonical) }
        return record
    }

    /// The body of the ISNA reference article (no ZWNJs, as the old scraper left it).
    static func isnaBody() throws -> String {
        let path = CommandLineTool.packageRoot.appendingPathComponent("Tests/Fixtures/reference/000_051f259db4d054d5.txt").path
        let paragraphs = CorpusSource.parse(try String(contentsOfFile: path, encoding: .utf8)).paragraphs
        return paragraphs.prefix { !$0.hasPrefix("انتهای پیام") }.joined(separator: "\n\n")
    }

    /// How much of one sentence a republished copy changes.
    enum Edit { case oneWord, twoWords, reworded }

    /// The same story as Mehr would republish it: its own lead-in («به گزارش مهر،» for «به گزارش ایسنا،»),
    /// one sentence edited, ZWNJs put back.
    static func mehrBody(_ edit: Edit = .oneWord) throws -> String {
        var text = try isnaBody()
        text = text.replacingOccurrences(of: "به گزارش ایسنا،", with: "به گزارش مهر،")
        let sentence = "در نتیجه این حمله یکی از کارکنان سفارت جمهوری آذربایجان کشته و فرد ضارب نیز دستگیر شد"
        #expect(text.contains(sentence))
        let edited =
            switch edit {
            case .oneWord: "در نتیجه این حمله یکی از کارمندان سفارت جمهوری آذربایجان کشته و فرد ضارب نیز دستگیر شد"
            case .twoWords: "در نتیجه این حمله یکی از کارمندان سفارت جمهوری آذربایجان جان باخت و فرد ضارب نیز دستگیر شد"
            case .reworded: "در این حمله یک نفر از کارمندان سفارت جمهوری آذربایجان جان باخت و ضارب بازداشت شد"
            }
        text = text.replacingOccurrences(of: sentence, with: edited)
        return text.replacingOccurrences(of: "سرزمینهای", with: "سرزمین\u{200C}های")
    }

    /// Another story entirely: the Zenhar reference article.
    static func zenharBody() throws -> String {
        let path = CommandLineTool.packageRoot.appendingPathComponent("Tests/Fixtures/reference/002_53214439f8101b3e.txt").path
        return CorpusSource.parse(try String(contentsOfFile: path, encoding: .utf8)).paragraphs.joined(separator: "\n\n")
    }

    @Test func sameStoryFromTwoAgenciesIsANearDuplicate() async throws {
        let isna = try Self.isnaBody()
        let mehr = try Self.mehrBody()
        let zenhar = try Self.zenharBody()
        #expect(SimHash.contentHash(isna) != SimHash.contentHash(mehr))
        let near = SimHash.distance(SimHash.fingerprint(isna), SimHash.fingerprint(mehr))
        let far = SimHash.distance(SimHash.fingerprint(isna), SimHash.fingerprint(zenhar))
        #expect(near <= 3, "distance \(near)")
        #expect(far > 10, "distance \(far)")

        let transform = try dedup()
        #expect(try await transform.apply(to: story("https://www.isna.ir/news/1402033019738/", isna), context: context) != nil)
        #expect(try await transform.apply(to: story("https://www.mehrnews.com/news/5803456/", mehr), context: context) == nil)
        #expect(try await transform.apply(to: story("https://zenhar.news/fa/news/12345/", zenhar), context: context) != nil)

        // By content only, the reworded copy is a story of its own.
        let exact = try dedup(["by": "content"])
        _ = try await exact.apply(to: story("https://www.isna.ir/a", isna), context: context)
        #expect(try await exact.apply(to: story("https://www.mehrnews.com/b", mehr), context: context) != nil)
        // With threshold 0 the copy (2 bits away) passes.
        #expect(near > 0)
        let strict = try dedup(["threshold": 0])
        _ = try await strict.apply(to: story("https://www.isna.ir/a", isna), context: context)
        #expect(try await strict.apply(to: story("https://www.mehrnews.com/b", mehr), context: context) != nil)
    }

    @Test func biggerEditsAreCaughtByTheDefaultButNotByATightThreshold() async throws {
        // Of some 520 words, two changed words or a reworded sentence move the fingerprint a few bits
        // (2–7 measured with two shingle hashes): within the default 8, past a threshold just under
        // the distance. Different stories on the same subject are 29–38 bits apart.
        let isna = try Self.isnaBody()
        for edit in [Edit.twoWords, .reworded] {
            let copy = try Self.mehrBody(edit)
            let bits = SimHash.distance(SimHash.fingerprint(isna), SimHash.fingerprint(copy))
            #expect(bits > 0 && bits <= 8, "\(edit): \(bits)")
            let byDefault = try dedup()
            _ = try await byDefault.apply(to: story("https://www.isna.ir/a", isna), context: context)
            #expect(try await byDefault.apply(to: story("https://www.mehrnews.com/b", copy), context: context) == nil)
            let tight = try dedup(["threshold": .integer(bits - 1)])
            _ = try await tight.apply(to: story("https://www.isna.ir/a", isna), context: context)
            #expect(try await tight.apply(to: story("https://www.mehrnews.com/b", copy), context: context) != nil)
        }
    }

    @Test func contentHashIgnoresZWNJYehKafAndWhiteSpace() async throws {
        let a = "روابط ايران و جمهوری آذربایجان  در سرزمینهای اشغالی\n\nبه بررسی كشیده شد."
        let b = "روابط ایران و جمهوری آذربایجان در سرزمین‌های اشغالی به بررسی کشیده شد."
        #expect(SimHash.contentHash(a) == SimHash.contentHash(b))
        #expect(SimHash.contentHash(a) != SimHash.contentHash("روابط ایران و جمهوری آذربایجان در سرزمین‌های اشغالی به بررسی کشیده نشد."))
        // Agency lead-ins are no part of the story.
        #expect(SimHash.contentHash("به گزارش ایسنا، وزیر امروز سخن گفت.") == SimHash.contentHash("به گزارش خبرگزاری مهر به نقل از گلوبز، وزیر امروز سخن گفت."))
        #expect(SimHash.contentHash("به گزارش رسید که وزیر امروز سخن گفت.") != SimHash.contentHash("وزیر امروز سخن گفت."))
        let transform = try dedup(["by": "content"])
        #expect(try await transform.apply(to: story("https://a.ir/1", a), context: context) != nil)
        #expect(try await transform.apply(to: story("https://b.ir/2", b), context: context) == nil)
    }

    @Test func canonicalURLs() async throws {
        let transform = try dedup(["by": "url"])
        #expect(try await transform.apply(to: story("https://www.isna.ir/news/1", "متن یک"), context: context) != nil)
        #expect(try await transform.apply(to: story("HTTPS://WWW.ISNA.IR/news/1#comments", "متن یک"), context: context) == nil)
        #expect(try await transform.apply(to: story("https://www.isna.ir/news/1?utm_source=rss", "متن یک"), context: context) == nil)
        #expect(try await transform.apply(to: story("https://m.isna.ir/x", "متن چهار", canonical: "https://www.isna.ir/news/1"), context: context) == nil)
        #expect(try await transform.apply(to: story("https://www.isna.ir/news/2", "متن یک"), context: context) != nil)
        // /news/3/ is another URL than /news/3; as URLs both pass.
        #expect(try await transform.apply(to: story("https://www.isna.ir/news/3", "متن پنج"), context: context) != nil)
        #expect(try await transform.apply(to: story("https://www.isna.ir/news/3/", "متن شش"), context: context) != nil)
        #expect(CanonicalURL.canonical("https://www.isna.ir/news/1?id=2&utm_medium=x") == "https://www.isna.ir/news/1?id=2")
    }

    @Test func markKeepsTheDuplicateWithDuplicateOf() async throws {
        let transform = try dedup(["action": "mark"])
        let first = try #require(try await transform.apply(to: story("https://www.isna.ir/news/1", try Self.isnaBody()), context: context))
        #expect(first.fields["duplicateOf"] == nil)
        let second = try #require(try await transform.apply(to: story("https://www.mehrnews.com/news/2", try Self.mehrBody()), context: context))
        #expect(second.text("duplicateOf") == "https://www.isna.ir/news/1")
    }

    @Test func concurrentCopiesKeepExactlyOne() async throws {
        let transform = try dedup()
        let body = try Self.isnaBody()
        let kept = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<8 {
                group.addTask { try await transform.apply(to: self.story("https://site\(index).ir/a", body), context: self.context) != nil }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(kept == 1)
    }

    @Test func stateFileRemembersAcrossRuns() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("etl-dedup-" + UUID().uuidString).path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let state = directory + "/state/dedup.sqlite"
        let isna = try Self.isnaBody()
        let zenhar = try Self.zenharBody()
        let firstRun = try dedup(["state": .string(state)])
        #expect(try await firstRun.apply(to: story("https://www.isna.ir/news/1", isna), context: context) != nil)
        #expect(try await firstRun.apply(to: story("https://zenhar.news/2", zenhar), context: context) != nil)
        // A new transform on the same file: a second run.
        let secondRun = try dedup(["state": .string(state), "action": "mark"])
        // The same page with the same text: seen before. Its edited version is not a duplicate of
        // its own old text (issue #11).
        let again = try await secondRun.apply(to: story("https://www.isna.ir/news/1", isna), context: context)
        #expect(again?.text("duplicateOf") == "https://www.isna.ir/news/1")
        let edited = try await secondRun.apply(to: story("https://www.isna.ir/news/1", isna + "\n\nتکمیلی: " + zenhar), context: context)
        #expect(edited != nil && edited?.fields["duplicateOf"] == nil)
        let republished = try await secondRun.apply(to: story("https://www.mehrnews.com/news/3", try Self.mehrBody()), context: context)
        #expect(republished?.text("duplicateOf") == "https://www.isna.ir/news/1")
        // Without the state file the same record is new.
        #expect(try await dedup(["action": "mark"]).apply(to: story("https://www.isna.ir/news/1", isna), context: context)?.fields["duplicateOf"] == nil)
    }

    /// With every method, an edited version of a page seen in an earlier run is written, and a copy
    /// of that edited text under another URL is still a duplicate.
    @Test func aNewVersionOfAPageIsNeverADuplicateOfItself() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("etl-dedup-" + UUID().uuidString).path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let isna = try Self.isnaBody()
        let mehr = try Self.mehrBody()
        for method in ["url", "content", "near"] {
            let state = directory + "/\(method).sqlite"
            _ = try await dedup(["state": .string(state), "by": .string(method)]).apply(to: story("https://www.isna.ir/news/1", isna), context: context)
            let nextRun = try dedup(["state": .string(state), "by": .string(method)])
            // One word edited: a near-duplicate of the old text, and its own URL.
            #expect(try await nextRun.apply(to: story("https://www.isna.ir/news/1", mehr), context: context) != nil, "\(method)")
            if method != "url" {
                #expect(try await nextRun.apply(to: story("https://www.mehrnews.com/news/3", mehr), context: context) == nil, "\(method)")
            }
        }
    }

    /// A state file written with the old shingle hash: its URLs and text hashes still count, its
    /// fingerprints are not compared with new ones (they would be noise).
    @Test func fingerprintsOfAnotherHashAreNotCompared() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("etl-dedup-" + UUID().uuidString).path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let state = directory + "/dedup.sqlite"
        let isna = try Self.isnaBody()
        let database = try DatabaseQueue(path: state)
        try await database.write { database in
            try database.execute(sql: "CREATE TABLE seen (url TEXT NOT NULL, canonicalUrl TEXT, contentHash TEXT, simhash INTEGER, seenAt TEXT NOT NULL)")
            // The new fingerprint of the ISNA text, stored as an old one: equal bits, another meaning.
            try database.execute(
                sql: "INSERT INTO seen VALUES (?, ?, ?, ?, ?)",
                arguments: [
                    "https://www.isna.ir/old", "https://www.isna.ir/old", SimHash.contentHash("another text"),
                    Int64(bitPattern: SimHash.fingerprint(isna)), "2026-01-01T00:00:00Z",
                ])
        }
        let transform = try dedup(["state": .string(state)])
        #expect(try await transform.apply(to: story("https://www.mehrnews.com/1", try Self.mehrBody()), context: context) != nil)
        #expect(try await transform.apply(to: story("https://www.isna.ir/old", "another text"), context: context) == nil)
        let columns = try await database.read { try $0.columns(in: "seen").map(\.name) }
        #expect(columns.contains("simhashVersion"))
    }

    /// One page of text under every path, `/first` answering 400 ms later than the others.
    static func serveCopies(_ body: (TestHTTPServer) async throws -> Void) async throws {
        let page =
            "<html><head><title>Bericht</title></head><body><article><h1>Bericht</h1><p>"
            + String(repeating: "Der Rat hat am Montag über den Haushalt des kommenden Jahres beraten und ihn beschlossen. ", count: 8)
            + "</p></article></body></html>"
        try await TestHTTPServer.run(
            routes: { request in
                .html(page, delay: request.path == "/first" ? .milliseconds(400) : nil)
            }, body)
    }

    /// The survivor of a group of copies is the first in the source's order, whatever order the
    /// concurrent workers finish in: here the first page answers slowly and its copy at once, and
    /// the first page is still the one kept (without the runner's order gate, the copy won).
    @Test func theFirstCopyInSourceOrderSurvivesWhateverTheTiming() async throws {
        try await Self.serveCopies { server in
            let output = try TemporaryFolder()
            defer { output.remove() }
            let pipeline = try PipelineLoader(registry: .builtins, environment: [:]).load(
                text: """
                    {"sources": [{"use": "urls", "urls": ["\(server.url("/first"))", "\(server.url("/copy"))", "\(server.url("/second-copy"))"]}],
                     "fetch": [{"use": "http", "delay": 0, "robots": false, "perHost": 4}],
                     "steps": ["html", "article", {"use": "dedup", "by": "content"}],
                     "sinks": [{"use": "jsonl", "path": "\(output.path("a.jsonl"))"}],
                     "deadLetters": {"use": "jsonl", "path": "\(output.path("dead.jsonl"))"}, "concurrency": 4}
                    """)
            let summary = try await PipelineRunner(pipeline: pipeline).run()
            #expect(summary.written == 1 && summary.skipped == 2, "\(summary)")
            let kept = try readJSONLines(output.path("a.jsonl")).compactMap { $0["url"] as? String }
            #expect(kept == [server.url("/first")])
        }
    }

    /// Records waiting to enter dedup in order hold no room in the byte budget: with a budget
    /// smaller than one page, the slow first page still gets room when it arrives, and the run
    /// ends (it used to wait for ever: the copies held the budget, the first page waited for it).
    @Test func recordsWaitingForTheirTurnHoldNoBudget() async throws {
        try await Self.serveCopies { server in
            let output = try TemporaryFolder()
            defer { output.remove() }
            let file = try output.write(
                """
                {"sources": [{"use": "urls", "urls": ["\(server.url("/first"))", "\(server.url("/copy"))"]}],
                 "fetch": [{"use": "http", "delay": 0, "robots": false, "perHost": 4}],
                 "steps": ["html", "article", {"use": "dedup", "by": "content"}],
                 "sinks": [{"use": "jsonl", "path": "\(output.path("a.jsonl"))"}],
                 "deadLetters": {"use": "jsonl", "path": "\(output.path("dead.jsonl"))"}, "concurrency": 4, "maxBytesInFlight": 100}
                """, to: "pipeline.json")
            let process = Process()
            process.executableURL = CommandLineTool.executable
            process.arguments = ["run", file, "--quiet"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            let deadline = ContinuousClock.now + .seconds(30)
            while process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
            let finished = !process.isRunning
            if !finished { kill(process.processIdentifier, SIGKILL) }  // a stuck run would not stop cleanly either
            process.waitUntilExit()
            #expect(finished, "the run did not end")
            #expect(try readJSONLines(output.path("a.jsonl")).compactMap { $0["url"] as? String } == [server.url("/first")])
        }
    }

    @Test func options() {
        // Options reach a plugin validated: an unknown choice is the loader's error, with its place.
        let pipeline =
            #"{"sources": [{"use": "urls", "urls": ["https://example.com/"]}], "steps": [{"use": "dedup", "by": "title"}], "sinks": [{"use": "jsonl", "path": "x.jsonl"}]}"#
        #expect(throws: PipelineError.self) { try PipelineLoader(registry: .builtins, environment: [:]).load(text: pipeline) }
        #expect(throws: OptionError.self) { try dedup(["state": ""]) }
    }
}
