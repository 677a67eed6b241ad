import ETLKit
import ETLTestSupport
import ETLText
import Foundation
import Logging
import Testing

@testable import ETLPlugins

/// The `corpus` source, and the five reference files of an older scraper upgraded by `corpus` →
/// `leftovers`, checked field by field (Tests/Fixtures/reference, copied from
/// ../shared/reference).
@Suite struct ReferenceCorpusTests {
    let context = RunContext(logger: Logger(label: "etl.tests.reference"))

    static let folder = CommandLineTool.packageRoot.appendingPathComponent("Tests/Fixtures/reference").path

    /// Boilerplate no body may hold as a line of its own, written here independently of the transform's lists.
    static let boilerplateLines = [
        "انتهای پیام", "پایان پیام/ 161", "دیدگاه شما", "نظر شما", "پربازدیدترین اخبار", "پربیننده ها",
        "آخرین اخبار", "ارسال به دوستان", "فیلم بیشتر »»",
    ]

    /// The records of the reference files after `corpus` and `leftovers`, by file name prefix (`000`).
    func upgraded() async throws -> [String: Record] {
        var source = try CorpusSource(options: PluginOptions(["glob": "*.txt"]))
        source.baseDirectory = Self.folder
        let collector = RecordCollector()
        try await source.produce(into: collector.output, context: context)
        let leftovers = try LeftoverCleaner(options: PluginOptions())
        var result: [String: Record] = [:]
        for record in await collector.records {
            let name = String(record.url.split(separator: "/").last?.prefix(3) ?? "")
            result[name] = try await leftovers.apply(to: record, context: context)
        }
        return result
    }

    func lines(_ record: Record) -> [String] {
        (record.fields["body"]?.stringValue ?? "").components(separatedBy: "\n").filter { !$0.isEmpty }
    }

    func paragraphs(_ record: Record) -> [String] {
        (record.fields["body"]?.stringValue ?? "").components(separatedBy: "\n\n")
    }

    func exact(_ actual: String?, _ expected: String) -> Bool {
        actual.map { $0.unicodeScalars.elementsEqual(expected.unicodeScalars) } ?? false
    }

    /// Checks what every upgraded reference record must satisfy.
    func expectClean(_ record: Record, title: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        #expect(exact(record.text("title"), title), "title is \(record.text("title") ?? "nil")", sourceLocation: sourceLocation)
        let body = lines(record)
        #expect(!body.isEmpty, sourceLocation: sourceLocation)
        for line in body {
            #expect(!Self.boilerplateLines.contains(line.trimmingCharacters(in: .whitespaces)), "boilerplate line \(line)", sourceLocation: sourceLocation)
            #expect(!line.hasPrefix("•") && !line.contains("کد خبر"), "meta line \(line)", sourceLocation: sourceLocation)
            #expect(TextFold.fold(line) != TextFold.fold(title), "title repeated in the body", sourceLocation: sourceLocation)
            #expect(!line.contains("**"), sourceLocation: sourceLocation)
        }
        #expect(record.text("language") == "fa", sourceLocation: sourceLocation)
        #expect(record.text("url")?.hasPrefix("file://") == true, sourceLocation: sourceLocation)
        #expect(record.document != nil, sourceLocation: sourceLocation)
    }

    // MARK: corpus source

    @Test func corpusSourceReadsTitleLeadAndParagraphs() async throws {
        let text = "\n\nعنوان خبر\n\nلید خبر.\n\nبند اول می‌آید.\nخط دوم همان بند.\n  \nبند دوم."
        let record = CorpusSource.record(url: "file:///x/001.txt", bytes: Array(text.utf8))
        #expect(record.text("title") == "عنوان خبر")
        #expect(record.text("lead") == "لید خبر.")
        #expect(record.fields["body"]?.stringValue?.unicodeScalars.elementsEqual("بند اول می‌آید.\nخط دوم همان بند.\n\nبند دوم.".unicodeScalars) == true)
        #expect(record.text("url") == "file:///x/001.txt")
        #expect(record.document?.text == text)
        // CRLF files read the same.
        let crlf = CorpusSource.record(url: "file:///x/2.txt", bytes: Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8))
        #expect(crlf.text("body") == record.text("body"))
    }

    @Test func corpusSourceFindsFilesLikeTheFilesSource() async throws {
        var source = try CorpusSource(options: PluginOptions(["glob": ["00[0-2]_*.txt", "004_*.txt"]]))
        source.baseDirectory = Self.folder
        let collector = RecordCollector()
        try await source.produce(into: collector.output, context: context)
        let names = await collector.records.map { String($0.url.split(separator: "/").last?.prefix(3) ?? "") }
        #expect(names == ["000", "001", "002", "004"])
        var missing = try CorpusSource(options: PluginOptions(["glob": "nothing-*.txt"]))
        missing.baseDirectory = Self.folder
        await #expect(throws: FileSourceError.self) { try await missing.produce(into: collector.output, context: context) }
        #expect(throws: OptionError.self) { try CorpusSource(options: PluginOptions(["glob": "*.txt", "charset": "klingon"])) }
    }

    // MARK: The five reference files

    @Test func reference000ISNA() async throws {
        let record = try #require(try await upgraded()["000"])
        expectClean(record, title: "سفیر آذربایجان در سرزمینهای اشغالی: خواهان روابط خوب با ایران هستیم")
        #expect(record.text("published") == "2023-06-20T12:21:00+03:30")
        #expect(record.text("newsId") == "1402033019738")
        #expect(record.text("category") == "سیاست خارجی")
        #expect(exact(record.text("lead"), "سفیر جمهوری آذربایجان در سرزمینهای اشغالی گفت که روابط کشورش با ایران در پایینترین سطح خود قرار دارد."))
        let body = record.text("body") ?? ""
        #expect(!body.contains("انتهای پیام"))
        for meta in ["سهشنبه/", "دستهبندی", "1402033019738", "خبرنگار : 71443", "•"] {
            #expect(!body.contains(meta), "\(meta)")
        }
        #expect(paragraphs(record).first?.hasPrefix("به گزارش ایسنا، مختار ممدوف") == true)
        #expect(paragraphs(record).last?.hasPrefix("در این بیانیه ادعا شده بود") == true)
        #expect(paragraphs(record).count == 11)
    }

    @Test func reference001AranNews() async throws {
        let record = try #require(try await upgraded()["001"])
        expectClean(record, title: "مناسبات رو به جلو و پیشرفت ایران و جمهوری آذربایجان")
        #expect(record.text("lead")?.hasPrefix("با گذشت یک سال از تعطیلی سفارت") == true)
        #expect(paragraphs(record).first?.contains("گروه بین الملل ایسکانیوز، از جمله") == true)
        #expect(record.text("published") == nil)
        #expect(paragraphs(record).count == 5)
    }

    @Test func reference002Zenhar() async throws {
        let record = try #require(try await upgraded()["002"])
        expectClean(record, title: "آذربایجان: برای ما مهم است که ایران همسایه خوب ما باقی بماند")
        #expect(record.text("lead")?.hasPrefix("مشاور معاون رئیسجمهور") == true)
        #expect(paragraphs(record).first?.hasPrefix("به گزارش زنهار؛") == true)
        #expect(paragraphs(record).last?.hasPrefix("وی در ادامه گفت: آذربایجان همیشه") == true)
        #expect(paragraphs(record).count == 8)
    }

    @Test func reference003AsrIran() async throws {
        let record = try #require(try await upgraded()["003"])
        let title = "سفیر آذربایجان: به اسرائیل اجازه نمی دهیم از خاک ما به ایران حمله کند / کشور شیعه هستیم اما به شدت سکولاریم"
        expectClean(record, title: title)
        #expect(record.text("published") == "2022-12-17T08:28:00+03:30")
        #expect(record.text("newsId") == "870239")
        let body = record.text("body") ?? ""
        // The caption variants of the title («… در امریکا: …») and the headlines after «ارسال به دوستان».
        #expect(!body.contains("اجازه نمی دهیم از خاک ما به ایران حمله کند"))
        #expect(!body.contains("پرسپولیس در آسیا متوقف شد"))
        #expect(!body.contains("۰۶ آذر ۱۴۰۳"))
        #expect(paragraphs(record).first?.hasPrefix("سفیر جمهوری اذربایجان در امریکا گفت") == true)
        #expect(paragraphs(record).last?.hasPrefix("او افزود: ما به معاملات پشت درهای بسته") == true)
    }

    @Test func reference004DefaPress() async throws {
        let record = try #require(try await upgraded()["004"])
        expectClean(record, title: "زبان صلح و امنیت جایگزین تنش و درگیری در منطقه شود")
        #expect(record.text("pretitle") == "امیرعبداللهیان در دیدار خلف اف:")
        #expect(record.text("published") == "2023-10-04T23:23:00+03:30")
        #expect(record.text("newsId") == "620924")
        #expect(record.text("lead")?.hasPrefix("وزیر امور خارجه در دیدار دستیار ویژه") == true)
        #expect(record.text("lead")?.contains("تاریخ انتشار") == false)
        let body = record.text("body") ?? ""
        for leftover in ["پایان پیام", "نظر شما", "پربیننده", "آخرین اخبار", "تاریخ انتشار", "شودبه گزارش"] {
            #expect(!body.contains(leftover), "\(leftover)")
        }
        #expect(paragraphs(record).first?.hasPrefix("به گزارش گروه اخبار داخلی دفاعپرس، «خلف خلف اف»") == true)
        #expect(paragraphs(record).last?.hasPrefix("دستیار ویژه رئیس جمهور آذربایجان همچنین امروز") == true)
    }

    // MARK: The pipeline

    @Test func upgradePipelineRunsOffline() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("etl-upgrade-" + UUID().uuidString).path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try CommandLineTool.run(["run", "pipelines/upgrade-reference.json"], environment: ["OUT": directory])
        #expect(result.status == 0, "\(result.standardError)")
        let records = try readJSONLines(directory + "/reference.jsonl")
        #expect(records.count == 5)
        let isna = try #require(records.first { ($0["url"] as? String)?.hasSuffix("000_051f259db4d054d5.txt") == true })
        #expect(isna["published"] as? String == "2023-06-20T12:21:00+03:30")
        #expect(isna["newsId"] as? String == "1402033019738")
        #expect(isna["category"] as? String == "سیاست خارجی")
        #expect(isna["language"] as? String == "fa")
        // The persian step restored the title's ZWNJ («سرزمین‌های»).
        #expect((isna["title"] as? String).map { zeroWidthNonJoiners(in: $0) } == 1)
        #expect((isna["body"] as? String)?.contains("انتهای پیام") == false)
        #expect(FileManager.default.fileExists(atPath: directory + "/reference.sqlite"))
        let corpus = try FileManager.default.contentsOfDirectory(atPath: directory + "/reference-corpus")
        #expect(corpus.filter { $0.hasSuffix(".txt") }.count == 5)
    }
}

/// Keeps what a source sends.
actor RecordCollector {
    private(set) var records: [Record] = []

    nonisolated var output: RecordOutput {
        RecordOutput { record in await self.add(record) }
    }

    private func add(_ record: Record) {
        records.append(record)
    }
}
