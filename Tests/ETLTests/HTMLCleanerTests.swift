import ETLKit
import ETLPlugins
import ETLTestSupport
import Testing

/// The `html` cleaner on small pages written to show one thing each.
@Suite struct HTMLCleanerTests {
    let cleaner = try! HTMLCleaner(options: PluginOptions())

    func page(_ body: String, head: String = "") throws -> Page {
        try cleaner.page(body: body, head: head, language: "fa")
    }

    /// A paragraph of prose long enough to count as content.
    func prose(_ n: Int) -> String {
        "این جمله شماره \(n) است، و برای آزمودن پاک‌کننده نوشته شده است، با چند ویرگول، تا متن واقعی به نظر آید."
    }

    @Test func zeroWidthNonJoinerSurvivesInEveryNotation() throws {
        let cleaned = try page("<article><p>می‌آید و می&zwnj;رود و می&#8204;ماند، \(prose(1))</p><p>\(prose(2))</p></article>")
        let first = try #require(cleaned.blocks.first?.text)
        #expect(first.hasPrefix("می\u{200C}آید و می\u{200C}رود و می\u{200C}ماند،"))
        #expect(first.unicodeScalars.filter { $0 == "\u{200C}" }.count == 4)
    }

    @Test func chromeIsRemoved() throws {
        let cleaned = try page(
            """
            <nav><a href="/">خانه</a><a href="/a">سیاسی</a></nav>
            <header><div class="logo">خبرگزاری نمونه</div></header>
            <script>var ads = "تبلیغ";</script><style>p { color: red }</style>
            <div class="content"><p>\(prose(1))</p><p>\(prose(2))</p><p>\(prose(3))</p>
              <div class="share-buttons"><a href="#">اشتراک در تلگرام، واتساپ و توییتر برای همه دوستان</a></div>
              <p style="display:none">متن پنهان که نباید در خروجی بیاید، هرگز و به هیچ وجه، حتی طولانی.</p>
            </div>
            <aside><h3>پربازدیدترین اخبار</h3><ul><li><a href="/1">یک خبر دیگر با عنوان طولانی</a></li></ul></aside>
            <div class="comments"><h3>دیدگاه شما</h3><p>نظر یک خواننده که طولانی است، و باید حذف شود، چون نظر است.</p></div>
            <footer>© همه حقوق محفوظ است</footer>
            """)
        #expect(cleaned.blocks.map(\.text) == [prose(1), prose(2), prose(3)])
    }

    @Test func tickersOfTeasersAreNeitherContentNorProse() throws {
        // A "breaking news" ticker above the article: each item a headline link and the first words
        // of its story, cut off. Together they hold more text than the article.
        let item = { (n: Int) in "<li><a href=\"/s\(n)\">تیتر خبر \(n)</a> <span>\(prose(10 + n)) \(prose(20 + n))...</span></li>" }
        let cleaned = try page(
            """
            <div class="wrapper">
              <div class="ticker"><b>خبر فوری</b><ul>\((1...8).map(item).joined())</ul></div>
              <div class="story"><h1>عنوان اصلی</h1><p>\(prose(1))</p><p>\(prose(2))</p><p>\(prose(3))</p></div>
            </div>
            """)
        #expect(cleaned.blocks.map(\.text) == ["عنوان اصلی", prose(1), prose(2), prose(3)])
    }

    @Test func relatedPostsThatRepeatTheArticleMarkupAreDropped() throws {
        // A blog template: the related posts reuse the article's element and classes, under a
        // heading named like chrome, and their teasers are longer than the article itself.
        let teaser = { (n: Int) in
            "<article class=\"post postbox\"><h2><a href=\"/p\(n)\">عنوان \(n)</a></h2><p>\(prose(10 + n)) \(prose(20 + n)) \(prose(30 + n))</p></article>"
        }
        let cleaned = try page(
            """
            <div id="primary">
              <article class="post postbox"><h1>عنوان اصلی</h1><p>\(prose(1))</p><p>\(prose(2))</p></article>
              <article class="post postbox"><h3 class="related-posts-title">شاید بپسندید</h3>\((1...4).map(teaser).joined())</article>
            </div>
            """)
        #expect(cleaned.blocks.map(\.text) == ["عنوان اصلی", prose(1), prose(2)])
    }

    @Test func linkListsInsideTheArticleAreDropped() throws {
        let cleaned = try page(
            """
            <div id="story"><p>\(prose(1))</p>
            <ul><li><a href="/x">خبر مرتبط اول با عنوانی بلند برای آزمون</a></li><li><a href="/y">خبر مرتبط دوم با عنوانی بلند</a></li></ul>
            <p>\(prose(2))</p></div>
            """)
        #expect(cleaned.blocks.map(\.text) == [prose(1), prose(2)])
    }

    @Test func pagesInsideOneFormAreStillRead() throws {
        // ASP.NET WebForms pages wrap everything in a <form>.
        let cleaned = try page("<form id=\"form1\"><div class=\"news\"><p>\(prose(1))</p><p>\(prose(2))</p></div><input type=\"hidden\" value=\"x\"></form>")
        #expect(cleaned.blocks.map(\.text) == [prose(1), prose(2)])
    }

    @Test func blocksKeepTheirKind() throws {
        let cleaned = try page(
            """
            <div class="article-body"><p>\(prose(1))</p><h2>میان‌تیتر</h2><ul><li>\(prose(2))</li></ul>
            <blockquote>\(prose(3))</blockquote><table><tr><th>ستون یک</th><th>ستون دو</th></tr><tr><td>۱</td><td>۲</td></tr></table><pre>let x = 1</pre></div>
            """)
        #expect(cleaned.blocks.map(\.kind) == [.paragraph, .heading, .listItem, .quote, .table, .preformatted])
        #expect(cleaned.blocks[4].rows == [["ستون یک", "ستون دو"], ["۱", "۲"]])
        #expect(cleaned.blocks[4].text == "ستون یک | ستون دو\n۱ | ۲")
    }

    @Test func endMarkersAreDroppedButSentencesMentioningThemAreKept() throws {
        let cleaned = try page(
            """
            <div class="body"><p>\(prose(1))</p><p>او گفت انتهای پیام را همیشه می‌نویسند، \(prose(2))</p><p>انتهای پیام/ز</p><p>پایان پیام/ 161</p></div>
            """)
        #expect(cleaned.blocks.count == 2)
        #expect(cleaned.blocks.last?.text.hasPrefix("او گفت انتهای پیام") == true)
    }

    @Test func metadataIsGatheredInTheSameWalk() throws {
        let cleaned = try page(
            """
            <header><div class="rutitr">روتیتر خبر</div><h1>عنوان خبر</h1><p class="lead">لید خبر</p><time datetime="2023-06-20T08:51:00Z">۳۰ خرداد</time></header>
            <aside><time datetime="2020-01-01">قدیمی</time></aside>
            <div class="body"><p>\(prose(1))</p></div>
            """,
            head: """
                <title>عنوان خبر - سایت</title><meta property="og:title" content="عنوان خبر"><meta name="description" content="لید خبر">
                <link rel="canonical" href="https://example.ir/news/1"><script type="application/ld+json">{"@type":"NewsArticle","headline":"عنوان خبر"}</script>
                """)
        let meta = cleaned.metadata
        #expect(meta.titleElement == "عنوان خبر - سایت")
        #expect(meta.meta("og:title") == "عنوان خبر")
        #expect(meta.canonicalURL == "https://example.ir/news/1")
        #expect(meta.headings == ["عنوان خبر"])
        #expect(meta.kickers == ["روتیتر خبر"])
        #expect(meta.summaries == ["لید خبر"])
        #expect(meta.times == ["2023-06-20T08:51:00Z"])
        #expect(meta.language == "fa")
        #expect(meta.jsonLD.count == 1)
        #expect(cleaned.blocks.map(\.text) == [prose(1)])
    }

    @Test func metaLinesAndCaptionsInsideTheBodyAreDropped() throws {
        let cleaned = try page(
            """
            <div class="body"><p>کد خبر: ۶۹۱۹۱۱۹</p><p>تاریخ انتشار: ۰۸:۲۸ - ۲۶-۰۹-۱۴۰۱</p>
            <figure><img src="a.jpg" alt="عنوان"><figcaption>عکس از آرشیو</figcaption></figure>
            <p>\(prose(1)) <span class="caption">زیرنویس عکس که نباید بماند</span></p><p>\(prose(2))</p><p>News ID: 12345</p></div>
            """)
        #expect(cleaned.blocks.map(\.text) == [prose(1), prose(2)])
    }
}
