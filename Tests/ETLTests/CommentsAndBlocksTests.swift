import ETLKit
import ETLPlugins
import Foundation
import Testing

/// Readers' comments (`comments`) and the body's typed blocks (`blocks`), on pages of our own markup.
@Suite struct CommentsAndBlocksTests {
    let cleaner = try! HTMLCleaner(options: PluginOptions())
    let extractor = try! ArticleExtractor(options: PluginOptions())

    func extract(_ html: String, url: String = "https://www.example.ir/news/1", extractor: ArticleExtractor? = nil) throws -> [String: JSONValue] {
        let page = try cleaner.page(from: html, url: url)
        return (extractor ?? self.extractor).extract(page: page, url: url)
    }

    static let persianArticle = """
        <p>این بند نخست خبر است که درباره‌ی رویدادی در شهر نوشته شده است، با جزئیات فراوان و توضیحات کافی برای خواننده.</p>
        <p>بند دوم خبر ادامه می‌یابد، و نکته‌های بیشتری را بیان می‌کند که در گزارش اصلی آمده است، با چند ویرگول.</p>
        """

    /// A Persian page whose comments sit inside the article under a «نظرات» heading, in markup named
    /// neither "comment" nor after any CMS: without the detector they were part of the body.
    static let persianPage = """
        <html lang="fa"><head><title>خبر</title></head><body><article class="news">\(persianArticle)
        <section class="user-opinions"><h3>نظرات</h3><ul class="opinion-list">
        <li class="opinion"><div class="opinion-head"><span class="opinion-name">مریم احمدی</span>
        <span class="opinion-date">۱۴۰۳/۰۵/۱۲ - ۱۰:۳۰</span></div>
        <p class="opinion-text">گزارش بسیار خوبی بود، سپاس از نویسنده‌ی گرامی برای این کار، و امیدوارم ادامه یابد.</p>
        <a class="reply-link" href="#">پاسخ</a></li>
        <li class="opinion"><div class="opinion-head"><span class="opinion-name">رضا</span>
        <span class="opinion-date">۱۴۰۳/۰۵/۱۳ - ۰۸:۱۵</span></div>
        <p class="opinion-text">به نظرم بخش دوم خبر نیاز به توضیح بیشتری داشت، و منبع آن هم روشن نبود.</p>
        <a class="reply-link" href="#">پاسخ</a></li>
        </ul></section></article></body></html>
        """

    @Test func persianCommentsWithJalaliDatesAreReadAndKeptOutOfTheBody() throws {
        let fields = try extract(Self.persianPage)
        #expect(
            fields["comments"]
                == .array([
                    .object([
                        "author": "مریم احمدی", "published": "2024-08-02T10:30:00+03:30",
                        "text": "گزارش بسیار خوبی بود، سپاس از نویسنده‌ی گرامی برای این کار، و امیدوارم ادامه یابد.",
                    ]),
                    .object([
                        "author": "رضا", "published": "2024-08-03T08:15:00+03:30",
                        "text": "به نظرم بخش دوم خبر نیاز به توضیح بیشتری داشت، و منبع آن هم روشن نبود.",
                    ]),
                ]))
        let body = try #require(fields["body"]?.stringValue)
        #expect(body.contains("بند دوم خبر"))
        #expect(!body.contains("گزارش بسیار خوبی بود"))
        #expect(!body.contains("منبع آن هم روشن نبود"))
    }

    /// The markup WordPress themes print: `ol.commentlist`, `cite.fn` with "says:", `<time datetime>`,
    /// a reply in `ol.children`.
    @Test func wordPressCommentListWithAReply() throws {
        let prose = "The article's paragraph is long enough to be prose, with commas, clauses, and a full stop at its end."
        func comment(_ id: Int, _ name: String, _ datetime: String, _ shown: String, _ text: String, replies: String = "") -> String {
            """
            <li id="comment-\(id)" class="comment even depth-1"><div class="comment-body">
            <div class="comment-author vcard"><img src="a.png" alt=""><cite class="fn"><a href="https://anna.example">\(name)</a></cite> <span class="says">says:</span></div>
            <div class="comment-meta commentmetadata"><a href="#comment-\(id)"><time datetime="\(datetime)">\(shown)</time></a></div>
            <p>\(text)</p>
            <div class="reply"><a class="comment-reply-link" href="?replytocom=\(id)">Reply</a></div></div>\(replies)</li>
            """
        }
        let html = """
            <html lang="en"><head><title>Post</title></head><body><div class="entry-content"><p>\(prose)</p><p>\(prose)</p></div>
            <div id="comments" class="comments-area"><h2 class="comments-title">2 thoughts on "Post"</h2><ol class="commentlist">
            \(comment(1, "Anna Smith", "2024-03-10T09:00:00+00:00", "March 10, 2024 at 9:00 am", "Thanks, this helped me a lot.",
                replies: "<ol class=\"children\">" + comment(2, "Bob", "2024-03-11T10:15:00+00:00", "March 11, 2024 at 10:15 am", "Glad it did!") + "</ol>"))
            </ol></div></body></html>
            """
        let fields = try extract(html, url: "https://blog.example.com/post")
        #expect(
            fields["comments"]
                == .array([
                    .object(["author": "Anna Smith", "published": "2024-03-10T09:00:00Z", "text": "Thanks, this helped me a lot."]),
                    .object(["author": "Bob", "published": "2024-03-11T10:15:00Z", "text": "Glad it did!"]),
                ]))
        #expect(fields["body"]?.stringValue == "\(prose)\n\n\(prose)")
    }

    /// A third markup: a German page, the list named "kommentare", items of `<article>` without
    /// names for their parts (the name and the date told apart by their form).
    @Test func commentsNamedInAnotherLanguageWithUnnamedParts() throws {
        let prose = "Der Artikel hat einen Absatz, der lang genug ist, mit Kommas, Nebensätzen und einem Punkt am Ende."
        let html = """
            <html lang="de"><head><title>Artikel</title></head><body><main><div class="artikel"><p>\(prose)</p><p>\(prose)</p></div>
            <div class="leser-kommentare"><div class="liste">
            <article class="beitrag"><div><b>Hans Müller</b></div><div>10.03.2024, 09:15</div><div><p>Ein sehr guter Artikel, danke dafür.</p><p>Weiter so!</p></div></article>
            <article class="beitrag"><div><b>Erika</b></div><div>11.03.2024, 18:00</div><div><p>Dem kann ich nur zustimmen.</p></div></article>
            </div></div></main></body></html>
            """
        let fields = try extract(html, url: "https://www.example.de/artikel")
        let comments = try #require(fields["comments"]?.arrayValue)
        #expect(comments.count == 2)
        #expect(
            comments.first
                == .object(["author": "Hans Müller", "published": "2024-03-10T09:15:00+01:00", "text": "Ein sehr guter Artikel, danke dafür.\n\nWeiter so!"]))
        #expect(comments.last?.objectValue?["author"] == "Erika")
        #expect(fields["body"]?.stringValue?.contains("zustimmen") == false)
    }

    /// A site profile that names its family's comment markup (Nastooh's `.comments-list li`).
    @Test func siteProfileCommentMarkup() throws {
        let html = """
            <html lang="fa"><head><meta name="generator" content="Nastooh"><title>خبر</title></head><body>
            <div class="item-text">\(Self.persianArticle)</div>
            <div class="comments"><ul class="comments-list"><li><div class="author">سارا</div><div class="date">۱۲ مرداد ۱۴۰۳ - ۱۰:۳۰</div>
            <div class="comment-body">نظر کوتاه</div></li></ul></div></body></html>
            """
        let fields = try extract(html)
        #expect(fields["profile"] == "nastooh")
        // One short comment: the general detector would want a sentence; the profile knows the markup.
        #expect(fields["comments"] == .array([.object(["author": "سارا", "published": "2024-08-02T10:30:00+03:30", "text": "نظر کوتاه"])]))
    }

    /// A profile's comment text of several paragraphs keeps them apart, by a blank line (README).
    @Test func siteProfileCommentParagraphsAreSeparatedByABlankLine() throws {
        let html = """
            <html lang="fa"><head><meta name="generator" content="Nastooh"><title>خبر</title></head><body>
            <div class="item-text">\(Self.persianArticle)</div>
            <div class="comments"><ul class="comments-list"><li><div class="author">سارا</div><div class="date">۱۲ مرداد ۱۴۰۳ - ۱۰:۳۰</div>
            <div class="comment-body"><p>بند اول نظر.</p><p>بند <b>دوم</b> نظر.</p></div></li></ul></div></body></html>
            """
        let fields = try extract(html)
        #expect(fields["comments"]?.arrayValue?.first?.objectValue?["text"] == "بند اول نظر.\n\nبند دوم نظر.")
    }

    @Test func commentsOptionOffWritesNoCommentsAndStillKeepsThemOutOfTheBody() throws {
        let without = try ArticleExtractor(options: PluginOptions(["comments": false]))
        let fields = try extract(Self.persianPage, extractor: without)
        #expect(try extract(Self.persianPage)["comments"]?.arrayValue?.count == 2)
        #expect(fields["comments"] == nil)
        #expect(fields["body"]?.stringValue?.contains("گزارش بسیار خوبی بود") == false)
    }

    /// No comments field at all (not an empty list) on a page without comments; its blocks are there.
    @Test func aPageWithoutCommentsHasNoCommentsField() throws {
        let fields = try extract("<html><body><article>\(Self.persianArticle)</article></body></html>")
        #expect(fields["comments"] == nil)
        #expect(fields["blocks"]?.arrayValue?.count == 2)
    }

    /// A list of dated teasers under no comments heading is not a comment list, nor is a sidebar's
    /// box of recent comments on other pages, on a page whose comments are found.
    @Test func datedTeasersAreNotComments() throws {
        let teaser = { (title: String, date: String) in
            "<li class=\"item\"><span class=\"name\">\(title)</span><span class=\"date\">\(date)</span><p>خلاصه‌ی کوتاهی از خبر دیگر که در فهرست آمده است.</p></li>"
        }
        let html = """
            <div class="others"><h3>آخرین اخبار</h3><ul>
            \(teaser("خبر یک", "۱۴۰۳/۰۵/۱۲ - ۱۰:۳۰"))\(teaser("خبر دو", "۱۴۰۳/۰۵/۱۳ - ۱۱:۳۰"))</ul></div>
            <aside><div class="box recent-comments"><h3>آخرین نظرات</h3><ul>
            \(teaser("علی", "۱۴۰۳/۰۵/۱۰ - ۰۹:۰۰"))\(teaser("سارا", "۱۴۰۳/۰۵/۱۱ - ۰۹:۰۰"))</ul></div></aside>
            """
        let page = Self.persianPage.replacingOccurrences(of: "</article>", with: "</article>" + html)
        let comments = try #require(try extract(page)["comments"]?.arrayValue)
        #expect(comments.compactMap { $0.objectValue?["author"]?.stringValue } == ["مریم احمدی", "رضا"])
    }

    @Test func blocksKeepTypesLevelsLinksAndTables() throws {
        let prose = "A paragraph of the article, long enough to be prose, with commas, clauses and a full stop."
        let html = """
            <html lang="en"><head><title>T</title></head><body><article class="article-body">
            <p>\(prose) See <a href="/other/page">the other page</a> and <a href="https://example.org/x?y=1">this one</a>.</p>
            <h2>A section</h2><h3>A subsection</h3><ul><li>\(prose)</li></ul><blockquote>\(prose)</blockquote>
            <table><caption>Results of the vote</caption><tr><th>Party</th><th>Seats</th></tr><tr><td>A</td><td>12</td></tr></table>
            <pre>let x = 1</pre><p>\(prose)</p></article></body></html>
            """
        let fields = try extract(html, url: "https://news.example.com/2024/story")
        let blocks = try #require(fields["blocks"]?.arrayValue)
        #expect(
            blocks.map { $0.objectValue?["type"]?.stringValue ?? "" } == [
                "paragraph", "heading", "heading", "listItem", "quote", "caption", "table", "preformatted", "paragraph",
            ])
        #expect(blocks[1].objectValue?["level"] == 2)
        #expect(blocks[2].objectValue?["level"] == 3)
        #expect(blocks[0].objectValue?["level"] == nil)
        #expect(
            blocks[0].objectValue?["links"]
                == .array([
                    .object(["text": "the other page", "href": "https://news.example.com/other/page"]),
                    .object(["text": "this one", "href": "https://example.org/x?y=1"]),
                ]))
        #expect(blocks[6].objectValue?["rows"] == .array([.array(["Party", "Seats"]), .array(["A", "12"])]))
        #expect(blocks[5].objectValue?["text"] == "Results of the vote")
        // The body is the blocks' texts joined, as before.
        #expect(fields["body"]?.stringValue == blocks.compactMap { $0.objectValue?["text"]?.stringValue }.joined(separator: "\n\n"))
    }

    @Test func blocksOptionOffWritesNoBlocks() throws {
        let without = try ArticleExtractor(options: PluginOptions(["blocks": false]))
        let page = "<html><body><article>\(Self.persianArticle)</article></body></html>"
        let fields = try extract(page, extractor: without)
        #expect(try extract(page)["blocks"]?.arrayValue?.count == 2)
        #expect(fields["blocks"] == nil)
        #expect(fields["body"]?.stringValue?.isEmpty == false)
    }
}
