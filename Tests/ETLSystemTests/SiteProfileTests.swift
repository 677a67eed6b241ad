import ETLHTML
import ETLKit
import ETLPlugins
import ETLTestSupport
import Foundation
import Testing

/// Site profiles: detected by their markers, their selectors preferred field by field.
@Suite struct SiteProfileTests {
    let page = """
        <html><head><title>عنوان - سایت</title></head><body>
        <div class="note"><p>کد خبر: ۱۲۳ (خبر دیگری که در صفحه آمده است)</p></div>
        <div class="news_path"><a href="/">صفحه نخست</a> » <a href="/s/1">اقتصادی</a></div>
        <div class="news_nav news_id_c">کد خبر: ۴۵۶</div>
        <h1 class="title">عنوان</h1>
        <div class="body"><p>متن خبر که به اندازه کافی طولانی است، با ویرگول، و چند جمله دیگر برای آزمون.</p></div>
        </body></html>
        """

    func fields(article: [String: JSONValue] = [:], cleaner: [String: JSONValue] = [:]) async throws -> [String: JSONValue] {
        var record = Record(url: "https://www.example.ir/fa/news/789/x", source: "test")
        record.document = Document(text: page, mediaType: "text/html", charset: "utf-8")
        let context = RunContext(logger: .init(label: "test"))
        record = try await HTMLCleaner(options: PluginOptions(cleaner)).clean(record, context: context)
        return try #require(try await ArticleExtractor(options: PluginOptions(article)).apply(to: record, context: context)).fields
    }

    @Test func aDetectedProfileWinsOverGenericGuesses() async throws {
        let found = try await fields()
        #expect(found["profile"] == "iransamaneh")
        #expect(found["newsId"] == "456")
        #expect(found["category"] == "اقتصادی")
    }

    @Test func withProfilesOffTheGenericExtractorDecides() async throws {
        let found = try await fields(article: ["profiles": false])
        #expect(found["profile"] == nil)
        #expect(found["newsId"] == "123")
    }

    @Test func aUsersProfileFilePlugsInTheSameWay() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = try folder.write(#"{"name": "mine", "detect": {"classes": ["note"]}, "fields": {"pretitle": ".note p"}}"#, to: "mine.json")
        let found = try await fields(cleaner: ["profileFiles": .array([.string(path)])])
        #expect(found["profile"] == "mine")
        #expect(found["pretitle"]?.stringValue?.hasPrefix("کد خبر") == true)
        #expect(throws: OptionError.self) { try HTMLCleaner(options: PluginOptions(["profileFiles": .array([.string(folder.path("missing.json"))])])) }
    }

    @Test func everyBuiltinProfileLoads() {
        #expect(SiteProfile.builtinProblems.isEmpty, "\(SiteProfile.builtinProblems)")
        // Every file of the folder, by name: a new profile is a new file, with no list to update.
        #expect(
            SiteProfile.builtins.map(\.name) == [
                "asam", "aspnet-news", "irandrupal", "iransamaneh", "nastooh", "stackexchange", "studiokhabar", "vbulletin", "xenforo",
            ])
    }

    @Test func aBrokenBuiltinProfileStopsTheCleanerWithItsName() throws {
        // The resources of a copied binary, one profile file broken: reported, never skipped.
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try FileManager.default.createDirectory(at: folder.url.appendingPathComponent("profiles"), withIntermediateDirectories: true)
        _ = try folder.write(#"{"name": "good", "detect": {"classes": ["x"]}, "fields": {"pretitle": ".x"}}"#, to: "profiles/good.json")
        _ = try folder.write(#"{"name": "broken", "detect": "#, to: "profiles/broken.json")
        let result = try CommandLineTool.run(["validate", "pipelines/demo.json"], environment: ["ETL_RESOURCES": folder.url.path])
        #expect(result.status != 0)
        #expect(result.standardError.contains("profiles/broken.json"), "\(result.standardError)")
        #expect(result.standardError.contains("\"profiles\": false"))
        #expect(!result.standardError.contains("good.json"))
    }
}
