import ETLHTML
import ETLKit
import ETLPlugins
import ETLTestSupport
import Foundation
import Testing

/// The IranDrupal and StudioKhabar profiles on pages written in their markup
/// (`Tests/Fixtures/profiles/`), and the families' article URL rules.
@Suite struct SiteProfileFamiliesTests {
    let context = RunContext(logger: .init(label: "test"))

    func fields(html: String, url: String) async throws -> [String: JSONValue] {
        var record = Record(url: url, source: "test")
        record.document = Document(text: html, mediaType: "text/html", charset: "utf-8")
        record = try await HTMLCleaner(options: PluginOptions([:])).clean(record, context: context)
        return try #require(try await ArticleExtractor(options: PluginOptions([:])).apply(to: record, context: context)).fields
    }

    func fixture(_ name: String) async throws -> [String: JSONValue] {
        let file = CommandLineTool.packageRoot.appendingPathComponent("Tests/Fixtures/profiles/\(name)")
        return try await fields(html: try String(contentsOf: file, encoding: .utf8), url: file.absoluteString)
    }

    @Test func anIranDrupalPageIsReadByItsProfile() async throws {
        let found = try await fixture("irandrupal.html")
        #expect(found["profile"] == "irandrupal")
        #expect(found["title"] == "بازگشایی کتابخانه مرکزی شهر پس از نوسازی")
        #expect(found["pretitle"] == "با حضور شهردار و اعضای شورای شهر")
        #expect(found["lead"] == "کتابخانه مرکزی شهر پس از دو سال نوسازی امروز با ظرفیت دو برابر درهای خود را به روی مراجعه‌کنندگان گشود.")
        #expect(
            found["body"]
                == .string(
                    [
                        "به گزارش خبرگزاری نمونه، ساختمان تازه کتابخانه مرکزی در سه طبقه ساخته شده و تالار مطالعه آن اکنون چهارصد صندلی دارد.",
                        "مدیر کتابخانه گفت بخش کودکان و نوجوانان نیز گسترش یافته و از این پس تا ساعت ده شب باز خواهد بود.",
                        "به گفته او، بیش از سی هزار جلد کتاب تازه در ماه‌های گذشته خریداری شده و فهرست آن‌ها در سامانه کتابخانه در دسترس است.",
                    ].joined(separator: "\n\n")))
        #expect(found["published"] == "2024-11-26T10:30:00+03:30")
        #expect(found["newsId"] == "384127")
        #expect(found["category"] == "فرهنگی")
        #expect(found["tags"] == .array(["کتابخانه", "فرهنگ"]))
        #expect(found["canonicalUrl"] == "https://www.drupal-news.example/fa/news/384127")
    }

    @Test func aStudioKhabarPageIsReadByItsProfile() async throws {
        let found = try await fixture("studiokhabar.html")
        #expect(found["profile"] == "studiokhabar")
        #expect(found["title"] == "آغاز برداشت زعفران در مزارع جنوب خراسان")
        #expect(found["pretitle"] == "کشاورزان از افزایش محصول خبر دادند")
        #expect(found["lead"] == "برداشت زعفران در مزارع جنوب خراسان از این هفته آغاز شده و پیش‌بینی می‌شود محصول امسال بیشتر از سال گذشته باشد.")
        #expect(
            found["body"]
                == .string(
                    [
                        "به گزارش خبر نمونه، کشاورزان منطقه می‌گویند باران‌های پاییزی به موقع باریده و گل‌ها زودتر از هر سال سر از خاک برآورده‌اند.",
                        "رئیس اداره کشاورزی شهرستان گفت امسال نزدیک به دوازده تن زعفران از مزارع منطقه برداشت خواهد شد.",
                        "او افزود بازارچه فروش مستقیم زعفران نیز تا پایان ماه در مرکز شهرستان برپا خواهد بود.",
                    ].joined(separator: "\n\n")))
        #expect(found["published"] == "2024-11-26T13:19:00+03:30")
        #expect(found["newsId"] == "215309")
        #expect(found["category"] == "اقتصادی")
        #expect(found["tags"] == .array(["زعفران", "کشاورزی"]))
        #expect(found["canonicalUrl"] == "https://www.studio-news.example/fa/news/215309")
    }

    /// An IranSamaneh page (marked by `news_id_c`) and a Nastooh page (its generator), with no
    /// canonical link: read at their addresses with and without the slug, they are one page.
    @Test(arguments: [
        (
            #"<div class="news_id_c">کد خبر: ۸۷۰۲۳۹</div>"#, "iransamaneh",
            "https://www.asriran.example/fa/news/870239/%D8%B3%D9%81%DB%8C%D8%B1", "https://www.asriran.example/fa/news/870239",
        ),
        (
            "", "nastooh", "https://www.irna.example/news/85123456/%D8%B3%D9%81%DB%8C%D8%B1?utm_source=rss",
            "https://www.irna.example/news/85123456",
        ),
    ])
    func anArticleURLWithAndWithoutItsSlugIsOnePage(marker: String, profile: String, slugged: String, bare: String) async throws {
        let html = """
            <html><head><meta name="generator" content="\(profile == "nastooh" ? "www.nastooh.ir" : "x")"><title>عنوان</title></head><body>
            \(marker)<h1>عنوان</h1><div class="body"><p>متن خبر که به اندازه کافی طولانی است، با ویرگول، و چند جمله دیگر برای آزمون.</p></div>
            </body></html>
            """
        let withSlug = try await fields(html: html, url: slugged)
        let withoutSlug = try await fields(html: html, url: bare)
        #expect(withSlug["profile"] == .string(profile))
        #expect(withSlug["canonicalUrl"] == .string(bare))
        #expect(withoutSlug["canonicalUrl"] == .string(bare))
        // dedup by URL (its key is the canonicalUrl field) takes the second for the first.
        let dedup = try Deduplicator(options: PluginOptions(["by": "url"]))
        for (url, found, kept) in [(slugged, withSlug, true), (bare, withoutSlug, false)] {
            var record = Record(url: url, source: "test")
            record.fields = found
            #expect((try await dedup.apply(to: record, context: context) != nil) == kept)
        }
    }

    @Test func theURLRuleLeavesOtherPagesAlone() throws {
        let profiles = Dictionary(uniqueKeysWithValues: SiteProfile.builtins.map { ($0.name, $0) })
        let samaneh = try #require(profiles["iransamaneh"])
        #expect(samaneh.canonicalURL(of: "https://www.tabnak.example/fa/news/1234567/x-y#top") == "https://www.tabnak.example/fa/news/1234567")
        #expect(samaneh.canonicalURL(of: "https://www.tabnak.example/fa/tag/1/%D8%B3") == nil)
        #expect(samaneh.canonicalURL(of: "/fa/news/1/x") == nil)
        #expect(samaneh.canonicalURL(of: "https://www.tabnak.example") == nil)
        // A canonical link with its slug in Persian letters, as some pages write it.
        #expect(samaneh.canonicalURL(of: "https://www.tabnak.example/fa/news/1234567/سفیر-آذربایجان?x=1") == "https://www.tabnak.example/fa/news/1234567")
        let nastooh = try #require(profiles["nastooh"])
        #expect(nastooh.canonicalURL(of: "https://www.mehr.example/news/5812345/slug/more") == "https://www.mehr.example/news/5812345")
        #expect(nastooh.canonicalURL(of: "https://www.mehr.example/tag/x") == nil)
        // Families without a rule never rewrite.
        #expect(try #require(profiles["asam"]).canonicalURL(of: "https://zenhar.example/fa/news/48217/slug") == nil)
    }
}
