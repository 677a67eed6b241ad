import ETLKit
import ETLPlugins
import ETLText
import Foundation
import Testing

/// The `article` extractor's choices, on small pages.
@Suite struct ArticleExtractorTests {
    let cleaner = try! HTMLCleaner(options: PluginOptions())
    let extractor = try! ArticleExtractor(options: PluginOptions())
    let body = "<div class=\"body\"><p>بدنه خبر که به اندازه کافی طولانی است، با ویرگول، و چند جمله دیگر برای آزمون.</p></div>"

    func extract(head: String, body extra: String = "", url: String = "https://www.example.ir/news/1") throws -> [String: JSONValue] {
        let page = try cleaner.page(from: "<html><head>\(head)</head><body>\(extra)\(body)</body></html>", url: url)
        return extractor.extract(page: page, url: url)
    }

    @Test func titleIsTheHeadingThePageTitleAgreesWith() throws {
        let fields = try extract(head: "<title>عنوان اصلی | خبرگزاری نمونه</title>", body: "<h1>عنوان اصلی</h1>")
        #expect(fields["title"] == "عنوان اصلی")
    }

    /// No og:title nor JSON-LD headline, and a `<title>` that is not a form of the `<h1>`: the `<h1>`
    /// that opens the content is the headline, and it is not the body's first block.
    @Test func headingThatOpensTheContentWinsOverADifferentPageTitle() throws {
        let article = """
            <body><nav><a href="/">خانه</a> | <a href="/a">سیاسی</a></nav><article><h1>سفیر: خواهان روابط خوب هستیم</h1>
            <p>بند نخست خبر که به اندازه کافی طولانی است، با ویرگول، و چند جمله دیگر برای آزمون.</p>
            <p>بند دوم خبر که آن هم به اندازه کافی طولانی است، با ویرگول، و چند جمله دیگر.</p></article></body></html>
            """
        let url = "https://www.example.ir/news/1"
        let fields = extractor.extract(page: try cleaner.page(from: "<html><head><title>روابط دو کشور</title></head>" + article, url: url), url: url)
        #expect(fields["title"] == "سفیر: خواهان روابط خوب هستیم")
        #expect(fields["body"]?.stringValue?.hasPrefix("بند نخست") == true)
        #expect(fields["blocks"]?.arrayValue?.first?.objectValue?["type"] == "paragraph")
        // With an og:title, the page has said which headline it means: that stays.
        let social = "<html><head><title>روابط دو کشور</title><meta property=\"og:title\" content=\"روابط دو کشور\"></head>"
        #expect(extractor.extract(page: try cleaner.page(from: social + article, url: url), url: url)["title"] == "روابط دو کشور")
    }

    /// The tag list the reader sees wins over `<meta name="keywords">`; a tag cloud in a sidebar does not.
    @Test func visibleTagListWinsOverMetaKeywords() throws {
        let fields = try extract(
            head: "<meta name=\"keywords\" content=\"Site,Old tag\">",
            body: "<aside><div class=\"tags\"><a href=\"/t/9\">Popular</a></div></aside>"
                + "<div class=\"post-tags\"><span>Tags:</span> <a href=\"/t/1\">Azerbaijan</a> <a href=\"/t/2\">#Foreign ministry</a> <a href=\"#\">Show more</a></div>"
        )
        // A control that leads nowhere ("Show more") is no tag; a hashtag's # is not part of it.
        #expect(fields["tags"] == .array(["Azerbaijan", "Foreign ministry"]))
        #expect(try extract(head: "<meta name=\"keywords\" content=\"Site,Old tag\">")["tags"] == .array(["Site", "Old tag"]))
    }

    /// The record's images: og:image, then the content's own pictures (the one above the text, the
    /// figures in it), made absolute and each once; no thumbnail of another story, no advertisement, no icon.
    @Test func imagesAreTheOpenGraphImageThenTheContentsPictures() throws {
        let text = "<p>بند خبر که به اندازه کافی طولانی است، با ویرگول، و چند جمله دیگر برای آزمون.</p>"
        let html = """
            <div class="detail"><h2 class="headline">عنوان</h2><div class="date"><img src="/icons/clock.png" alt="">۱۴۰۲</div>
            <div class="news-image"><img src="/upload/top.jpg" alt=""></div>
            <div class="text">\(text)<figure><img src="/lazy.gif" data-src="/upload/second.jpg" alt=""></figure>\(text)
            <figure><img src="https://cdn.example.ir/og.jpg" alt=""></figure>
            <div class="inline-ad"><a href="https://ads.example.ir/c/1"><img src="/ads/banner.gif" alt=""></a></div>
            <img src="/pixel.gif" width="1" height="1">\(text)</div></div>
            <ul class="others"><li><a href="/news/2"><img src="/thumb/2.jpg" alt="">خبر دیگر</a></li></ul>
            """
        let url = "https://www.example.ir/news/1"
        func images(_ head: String) throws -> JSONValue? {
            extractor.extract(page: try cleaner.page(from: "<html><head>\(head)</head><body>\(html)</body></html>", url: url), url: url)["images"]
        }
        let og = "<meta property=\"og:image\" content=\"https://cdn.example.ir/og.jpg\">"
        #expect(
            try images(og) == .array(["https://cdn.example.ir/og.jpg", "https://www.example.ir/upload/top.jpg", "https://www.example.ir/upload/second.jpg"]))
        #expect(try images("")?.arrayValue?.first == "https://www.example.ir/upload/top.jpg")
    }

    @Test func siteNameIsStrippedFromTheTitleElement() throws {
        let fields = try extract(head: "<title>خبرگزاری نمونه - عنوان اصلی خبر امروز</title><meta property=\"og:site_name\" content=\"خبرگزاری نمونه\">")
        #expect(fields["title"] == "عنوان اصلی خبر امروز")
        #expect(fields["site"] == "خبرگزاری نمونه")
    }

    @Test func pretitleLeadAndRepeatsInTheBody() throws {
        let fields = try extract(
            head: "<meta name=\"description\" content=\"لید کامل خبر که\">",
            body: "<div class=\"kicker\">روتیتر</div><h1>عنوان</h1><div class=\"summary\">لید کامل خبر که در صفحه آمده است.</div>"
                + "<div class=\"body\"><p>عنوان</p></div>")
        #expect(fields["pretitle"] == "روتیتر")
        #expect(fields["lead"] == "لید کامل خبر که در صفحه آمده است.")
        #expect(fields["body"]?.stringValue?.hasPrefix("عنوان") == false)
    }

    @Test func tablesOfTheBodyAreKeptAsRowsOfCells() throws {
        let table = "<table><tr><th>نام</th><th>سن</th></tr><tr><td>علی</td><td>۳۰</td></tr></table>"
        let page = try cleaner.page(
            from: "<html><body>\(body.replacingOccurrences(of: "</div>", with: table + "</div>"))</body></html>", url: "https://example.ir/a")
        let fields = extractor.extract(page: page, url: "https://example.ir/a")
        #expect(fields["tables"] == .array([.array([.array(["نام", "سن"]), .array(["علی", "۳۰"])])]))
        #expect(fields["body"]?.stringValue?.contains("نام | سن\nعلی | ۳۰") == true)
    }

    @Test func leadInBodyKeepsTheLeadThePageShowsButNeverTheMetaDescription() throws {
        let options = PluginOptions(["leadInBody": true])
        let whole = try ArticleExtractor(options: options)
        let shown = "The lead paragraph of the story, as the page shows it above the rest, with a comma."
        let page = try cleaner.page(
            from: """
                <html><head><meta name="description" content="\(shown)"></head><body><h1>Title</h1>
                <div class="body"><p>\(shown)</p>\(body)</div></body></html>
                """, url: "https://example.com/a")
        #expect(whole.extract(page: page, url: "https://example.com/a")["body"]?.stringValue?.hasPrefix(shown) == true)
        #expect(extractor.extract(page: page, url: "https://example.com/a")["body"]?.stringValue?.hasPrefix(shown) == false)
        // A description that the page does not show as a paragraph stays out of the body.
        let hidden = try cleaner.page(
            from: "<html><head><meta name=\"description\" content=\"Only in the head.\"></head><body>\(body)</body></html>",
            url: "https://example.com/b")
        let fields = whole.extract(page: hidden, url: "https://example.com/b")
        #expect(fields["lead"] == "Only in the head.")
        #expect(fields["body"]?.stringValue?.contains("Only in the head") == false)
    }

    @Test func utcDatesAreShownWithTheOffsetOfTheSitesPlaceAndDay() throws {
        // An .ir site: Tehran, +03:30 in 2023; +04:30 in the summer of 2021 (daylight saving until 2022).
        let summer2023 = try extract(head: "<meta property=\"article:published_time\" content=\"2023-06-20T08:51:00Z\">")
        #expect(summer2023["published"] == "2023-06-20T12:21:00+03:30")
        let summer2021 = try extract(head: "<meta property=\"article:published_time\" content=\"2021-06-20T08:51:00Z\">")
        #expect(summer2021["published"] == "2021-06-20T13:21:00+04:30")
        // A .com site in English: no place to guess, UTC stays UTC.
        let elsewhere = try extract(
            head: "<meta http-equiv=\"content-language\" content=\"en\"><meta property=\"article:published_time\" content=\"2023-06-20T08:51:00Z\">",
            url: "https://example.com/a")
        #expect(elsewhere["published"] == "2023-06-20T08:51:00Z")
        let ownOffset = try extract(head: "<meta property=\"article:published_time\" content=\"2023-06-20T10:51:00+02:00\">")
        #expect(ownOffset["published"] == "2023-06-20T10:51:00+02:00")
    }

    @Test func jalaliMetaDatesAreConverted() throws {
        let fields = try extract(head: "<meta property=\"article:published_time\" content=\"۱۴۰۲/۰۷/۱۲ - ۲۳:۲۳\">")
        #expect(fields["published"] == "2023-10-04T23:23:00+03:30")
    }

    @Test func jsonLDFillsWhatMetaTagsLack() throws {
        let fields = try extract(
            head: """
                <script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"NewsArticle","headline":"سرخط",
                "datePublished":"2024-11-26T10:00:00+03:30","author":[{"@type":"Person","name":"نویسنده"}],"articleSection":"اقتصاد",
                "keywords":"نفت، گاز","publisher":{"@type":"Organization","name":"ناشر"}}]}</script>
                """)
        #expect(fields["title"] == "سرخط")
        #expect(fields["published"] == "2024-11-26T10:00:00+03:30")
        #expect(fields["authors"] == ["نویسنده"])
        #expect(fields["category"] == "اقتصاد")
        #expect(fields["tags"] == ["نفت", "گاز"])
        #expect(fields["site"] == "ناشر")
    }

    @Test func languageComesFromTheDocumentOrItsLetters() throws {
        #expect(try extract(head: "")["language"] == "fa")
    }

    @Test func aPageWithoutBodyIsAnError() async throws {
        var record = Record(url: "https://example.ir/empty", source: "test")
        record.page = try cleaner.page(from: "<html><body><nav>منو</nav></body></html>", url: record.url)
        await #expect(throws: ArticleExtractorError.self) {
            _ = try await extractor.apply(to: record, context: RunContext(logger: .init(label: "test")))
        }
    }
}

/// Date reading against the reference conversions in the project's notes.
@Suite struct ArticleDateTests {
    let tehran = ArticleDate(timeZone: TimeZone(identifier: "Asia/Tehran"))

    @Test(arguments: [
        ("۱۴۰۲/۰۳/۳۰ ۱۲:۲۱", "2023-06-20T12:21:00+03:30"),
        ("سه‌شنبه/ ۳۰ خرداد ۱۴۰۲ / ۱۲:۲۱", "2023-06-20T12:21:00+03:30"),
        ("سهشنبه ۳۰ خرداد ۱۴۰۲", "2023-06-20"),
        ("تاریخ انتشار: ۰۸:۲۸ - ۲۶-۰۹-۱۴۰۱", "2022-12-17T08:28:00+03:30"),
        ("۱۲ مهر ۱۴۰۲ - ۲۳:۲۳ - 04October 2023", "2023-10-04T23:23:00+03:30"),
        ("٧ بهمن ١٤٠١", "2023-01-27"),
        ("۶ آذر ۱۴۰۳", "2024-11-26"),
        ("۳۰ اسفند ۱۴۰۳", "2025-03-20"),
        ("۳۰ اسفند ۱۳۹۹", "2021-03-20"),
        ("۱ فروردین ۱۴۰۴", "2025-03-21"),
        ("۱۲ ارديبهشت ۱۳۹۸ - ۱۶:۱۲", "2019-05-02T16:12:00+04:30"),
        ("1348/10/11", "1970-01-01"),
        ("Tue, 20 Jun 2023 08:51:00 GMT", "2023-06-20T12:21:00+03:30"),
    ])
    func readsTheDateLinesOfPersianSites(text: String, expected: String) {
        #expect(tehran.normalize(text) == expected)
    }

    @Test func daysThatDoNotExistAreRejected() {
        #expect(tehran.normalize("۱۴۰۲/۱۲/۳۰") == nil)
        #expect(tehran.normalize("2023-02-30") == nil)
        #expect(tehran.normalize("۱ ساعت قبل") == nil)
    }
}
