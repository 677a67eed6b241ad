import ETLKit
import ETLPlugins
import Foundation
import Logging
import Testing

/// Page kinds (`pageKind`): forum threads with their `posts`, Q&A pages with `question` and
/// `answers`, listings, and articles; and the `filter` step's `pageKind` option. Markup of our own.
@Suite struct PageKindTests {
    let cleaner = try! HTMLCleaner(options: PluginOptions())
    let extractor = try! ArticleExtractor(options: PluginOptions())

    func extract(_ html: String, url: String = "https://forum.example.com/threads/1") throws -> [String: JSONValue] {
        let page = try cleaner.page(from: html, url: url)
        return extractor.extract(page: page, url: url)
    }

    static let firstPost = "My bike's rear brake squeaks after the rain, even though the pads are new. Has anyone found a way to stop it?"
    static let secondPost = "Clean the rim with alcohol and sand the pads lightly; wet grit on the rim is what makes that noise."

    // MARK: Forum families

    /// XenForo 2 markup with two posts (too few for the general detector): only the profile's
    /// `posts` selectors read them; one post's date is only `data-time`, one author only `data-author`.
    @Test func xenForoThreadPostsComeFromTheProfile() throws {
        let html = """
            <html lang="en"><head><title>Squeaky brakes | Bike Forum</title></head><body>
            <div class="p-body"><h1 class="p-title-value">Squeaky brakes</h1><div class="block-body js-replyNewMessageContainer">
            <article class="message message--post js-post" data-author="anna_rides" data-content="post-1">
            <div class="message-inner"><div class="message-cell message-cell--user"><h4 class="message-name"><a href="/members/anna.1/" class="username">anna_rides</a></h4></div>
            <div class="message-cell message-cell--main"><header class="message-attribution"><a href="/posts/1/"><time class="u-dt" datetime="2024-03-10T09:00:00+0000" data-time="1710061200">Mar 10, 2024</time></a></header>
            <div class="message-content"><article class="message-body js-selectToQuote"><div class="bbWrapper">\(Self.firstPost)</div></article></div></div></div></article>
            <article class="message message--post js-post" data-author="Bob K" data-content="post-2">
            <div class="message-inner"><div class="message-cell message-cell--main"><header class="message-attribution"><time class="u-dt" data-time="1710068400">Mar 10, 2024</time></header>
            <div class="message-content"><article class="message-body"><div class="bbWrapper">\(Self.secondPost)</div></article></div></div></div></article>
            </div></div></body></html>
            """
        let fields = try extract(html)
        #expect(fields["pageKind"] == "thread")
        #expect(fields["profile"] == "xenforo")
        #expect(fields["title"] == "Squeaky brakes")
        #expect(
            fields["posts"]
                == .array([
                    .object(["author": "anna_rides", "published": "2024-03-10T09:00:00Z", "text": .string(Self.firstPost)]),
                    .object(["author": "Bob K", "published": "2024-03-10T11:00:00Z", "text": .string(Self.secondPost)]),
                ]))
        // The body stays the thread as the page shows it.
        #expect(fields["body"] == .string(Self.firstPost + "\n\n" + Self.secondPost))
        #expect(fields["comments"] == nil)
    }

    /// vBulletin 4 markup in Persian with Jalali dates, two posts: read by the profile's selectors,
    /// dates as comments' dates are.
    @Test func vBulletinThreadWithJalaliDates() throws {
        func post(_ id: Int, _ name: String, _ date: String, _ text: String) -> String {
            """
            <li class="postbitlegacy postbitim postcontainer" id="post_\(id)"><div class="posthead"><span class="postdate old"><span class="date">\(date)</span></span></div>
            <div class="postdetails"><div class="userinfo"><a class="username offline popupctrl" href="member.php?u=\(id)"><strong>\(name)</strong></a></div>
            <div class="postbody"><div class="postrow"><div class="content"><div id="post_message_\(id)"><blockquote class="postcontent restore">\(text)</blockquote></div></div></div></div></div></li>
            """
        }
        let first = "سلام دوستان، برای نصب ویندوز روی لپ‌تاپ قدیمی چه نسخه‌ای را پیشنهاد می‌کنید؟ حافظه‌ی آن چهار گیگ است."
        let second = "به نظر من نسخه‌ی سبک‌تر بهتر است، و حتماً یک حافظه‌ی جامد هم بگذارید تا سرعت بالا برود."
        let html = """
            <html lang="fa" dir="rtl"><head><meta name="generator" content="vBulletin 4.2.5"><title>نصب ویندوز</title></head><body>
            <div id="postlist" class="postlist"><ol id="posts" class="posts">
            \(post(11, "علی رضایی", "۱۴۰۲/۱۲/۲۰، ۰۹:۰۰", first))\(post(12, "سارا", "۱۴۰۲/۱۲/۲۱، ۱۸:۴۵", second))
            </ol></div></body></html>
            """
        let fields = try extract(html, url: "https://forum.example.ir/showthread.php?t=5")
        #expect(fields["pageKind"] == "thread")
        #expect(fields["profile"] == "vbulletin")
        #expect(
            fields["posts"]
                == .array([
                    .object(["author": "علی رضایی", "published": "2024-03-10T09:00:00+03:30", "text": .string(first)]),
                    .object(["author": "سارا", "published": "2024-03-11T18:45:00+03:30", "text": .string(second)]),
                ]))
        #expect(fields["body"]?.stringValue?.contains(first) == true)
    }

    /// A vBulletin theme of its own prints the date in a plain `<dd>`, not `.postdate` or `.date`:
    /// the post is read as a comment is for its date.
    @Test func forumPostDateOutsideTheFamilysElementIsReadAsACommentsIs() throws {
        func post(_ id: Int, _ name: String, _ date: String, _ text: String) -> String {
            """
            <li class="postbit postbitim postcontainer old" id="post_\(id)"><div class="userinfo"><a class="username offline" href="/members/\(id)"><strong>\(name)</strong></a>
            <dl class="userstats"><dt></dt><dd>\(date)</dd></dl></div>
            <div class="postbody"><div class="content"><blockquote class="postcontent restore">\(text)</blockquote></div></div></li>
            """
        }
        let html = """
            <html lang="de"><head><meta name="generator" content="vBulletin 4.2.2"><title>Update</title></head><body><ol id="posts" class="posts">
            \(post(1, "Predator", "03.03.2011, 14:17", "Gibt es eine Seite, wo die neuen Funktionen des Updates genau beschrieben sind?"))
            \(post(2, "Chatfix", "03.03.2011, 14:27", "Bei mir ist das Update noch nicht angekommen, ich warte noch ein paar Tage."))
            </ol></body></html>
            """
        let fields = try extract(html, url: "https://forum.example.de/update-123.html")
        #expect(fields["pageKind"] == "thread")
        let posts = try #require(fields["posts"]?.arrayValue)
        #expect(posts.map { $0.objectValue?["author"] } == ["Predator", "Chatfix"])
        #expect(posts.map { $0.objectValue?["published"] } == ["2011-03-03T14:17:00+01:00", "2011-03-03T14:27:00+01:00"])
    }

    /// A forum whose markup names nothing known: three sibling posts with a name, a date and a text
    /// that make up the page are found by the general detector.
    @Test func genericForumPostListIsAThread() throws {
        let texts = [
            Self.firstPost, Self.secondPost,
            "I had the same squeak last autumn; a different pad compound fixed it for good, and braking got smoother too.",
        ]
        let posts = zip(["anna_rides", "Bob K", "carla"], zip(["March 10, 2024", "March 11, 2024", "March 12, 2024"], texts)).map { name, rest in
            "<div class=\"entry\"><div class=\"who\"><b>\(name)</b></div><div class=\"when\">\(rest.0)</div><div class=\"said\"><p>\(rest.1)</p></div></div>"
        }
        let html = """
            <html lang="en"><head><title>Squeaky brakes</title></head><body><h1>Squeaky brakes</h1>
            <div class="board">\(posts.joined(separator: "\n"))</div></body></html>
            """
        let fields = try extract(html, url: "https://talk.example.com/t/42")
        #expect(fields["pageKind"] == "thread")
        let found = try #require(fields["posts"]?.arrayValue)
        #expect(found.count == 3)
        #expect(found.map { $0.objectValue?["author"] } == ["anna_rides", "Bob K", "carla"])
        #expect(found.map { $0.objectValue?["published"] } == ["2024-03-10", "2024-03-11", "2024-03-12"])
        #expect(found.map { $0.objectValue?["text"]?.stringValue } == texts)
        #expect(fields["body"]?.stringValue?.contains(Self.firstPost) == true)
    }

    /// An article with four long comments under a place named like comments: the comments stay
    /// `comments` and the page an article, though they hold most of its text.
    @Test func articleWithCommentsStaysAnArticle() throws {
        let prose = "The council approved the new cycle lanes on Tuesday, after a debate that lasted most of the evening."
        let comments = (1...4).map { index in
            """
            <li class="note"><span class="note-author">Reader \(index)</span><span class="note-date">March \(10 + index), 2024</span>
            <p class="note-text">Comment number \(index): \(Self.firstPost) \(Self.secondPost)</p></li>
            """
        }
        let html = """
            <html lang="en"><head><title>Cycle lanes approved</title></head><body><article><h1>Cycle lanes approved</h1><p>\(prose)</p></article>
            <section id="comments"><h2>4 Comments</h2><ul class="notes">\(comments.joined())</ul></section></body></html>
            """
        let fields = try extract(html, url: "https://news.example.com/2024/cycle-lanes")
        #expect(fields["pageKind"] == "article")
        #expect(fields["comments"]?.arrayValue?.count == 4)
        #expect(fields["posts"] == nil)
        #expect(fields["body"] == .string(prose))
    }

    // MARK: Q&A

    /// schema.org QAPage in JSON-LD with an accepted and a suggested answer (HTML in their texts).
    @Test func schemaOrgQAPageInJSONLD() throws {
        let html = """
            <html lang="en"><head><title>How do I stop squeaky brakes?</title>
            <script type="application/ld+json">{"@context": "https://schema.org", "@type": "QAPage", "mainEntity": {
              "@type": "Question", "name": "How do I stop squeaky brakes?", "text": "<p>\(Self.firstPost)</p>",
              "dateCreated": "2024-03-10T09:00:00+00:00", "author": {"@type": "Person", "name": "anna_rides"}, "answerCount": 2,
              "acceptedAnswer": {"@type": "Answer", "text": "<p>\(Self.secondPost)</p>", "dateCreated": "2024-03-10T10:00:00+00:00",
                "upvoteCount": 12, "author": {"@type": "Person", "name": "Bob K"}},
              "suggestedAnswer": [{"@type": "Answer", "text": "Try new pads.", "dateCreated": "2024-03-11T08:00:00+00:00", "upvoteCount": "2",
                "author": {"@type": "Person", "name": "carla"}}]}}</script></head>
            <body><h1>How do I stop squeaky brakes?</h1><p>\(Self.firstPost)</p></body></html>
            """
        let fields = try extract(html, url: "https://qa.example.com/q/7")
        #expect(fields["pageKind"] == "qa")
        #expect(
            fields["question"]
                == .object([
                    "title": "How do I stop squeaky brakes?", "author": "anna_rides", "published": "2024-03-10T09:00:00Z",
                    "text": .string(Self.firstPost),
                ]))
        #expect(
            fields["answers"]
                == .array([
                    .object([
                        "author": "Bob K", "published": "2024-03-10T10:00:00Z", "text": .string(Self.secondPost), "accepted": true, "votes": 12,
                    ]),
                    .object(["author": "carla", "published": "2024-03-11T08:00:00Z", "text": "Try new pads.", "accepted": false, "votes": 2]),
                ]))
        #expect(fields["body"] == .string(Self.firstPost))
    }

    /// An article with an FAQ block in JSON-LD (FAQPage → Question → acceptedAnswer) is still an article.
    @Test func faqPageQuestionsDoNotMakeAQAPage() throws {
        let paragraph = "The council approved the new cycle lanes on Tuesday, after a long debate that went on until late in the evening."
        let html = """
            <html lang="en"><head><title>Cycle lanes</title><script type="application/ld+json">{"@context": "https://schema.org", "@type": "FAQPage",
              "mainEntity": [{"@type": "Question", "name": "When do the lanes open?", "acceptedAnswer": {"@type": "Answer", "text": "In May."}}]}</script>
            </head><body><article><h1>Cycle lanes</h1><p>\(paragraph)</p></article></body></html>
            """
        let fields = try extract(html, url: "https://news.example.com/2024/cycle-lanes")
        #expect(fields["pageKind"] == "article")
        #expect(fields["question"] == nil)
        #expect(fields["body"] == .string(paragraph))
    }

    /// schema.org microdata: a Question item with an accepted Answer and another.
    @Test func schemaOrgQuestionInMicrodata() throws {
        let html = """
            <html lang="en"><head><title>Brakes</title></head><body>
            <div itemscope itemtype="https://schema.org/Question"><h1 itemprop="name">How do I stop squeaky brakes?</h1>
            <div itemprop="text"><p>\(Self.firstPost)</p></div>
            <span itemprop="author" itemscope itemtype="https://schema.org/Person"><span itemprop="name">anna_rides</span></span>
            <time itemprop="dateCreated" datetime="2024-03-10T09:00:00+00:00">March 10</time>
            <div itemprop="acceptedAnswer" itemscope itemtype="https://schema.org/Answer"><div itemprop="text">\(Self.secondPost)</div>
            <meta itemprop="upvoteCount" content="12"><span itemprop="author" itemscope itemtype="https://schema.org/Person"><span itemprop="name">Bob K</span></span></div>
            <div itemprop="suggestedAnswer" itemscope itemtype="https://schema.org/Answer"><div itemprop="text">Try new pads.</div></div>
            </div></body></html>
            """
        let fields = try extract(html, url: "https://qa.example.com/q/8")
        #expect(fields["pageKind"] == "qa")
        #expect(fields["question"]?.objectValue?["title"] == "How do I stop squeaky brakes?")
        #expect(fields["question"]?.objectValue?["author"] == "anna_rides")
        #expect(fields["question"]?.objectValue?["text"] == .string(Self.firstPost))
        let answers = try #require(fields["answers"]?.arrayValue)
        #expect(answers.count == 2)
        #expect(answers.first?.objectValue?["accepted"] == true)
        #expect(answers.first?.objectValue?["votes"] == 12)
        #expect(answers.first?.objectValue?["author"] == "Bob K")
        #expect(answers.last?.objectValue?["accepted"] == false)
    }

    /// StackExchange-like markup (the `stackexchange` profile): votes, the accepted answer's class
    /// and `.relativetime`'s exact date in its title.
    @Test func stackExchangeLikeMarkup() throws {
        func signature(_ name: String, _ date: String) -> String {
            "<div class=\"post-signature\"><div class=\"user-info\"><span class=\"relativetime\" title=\"\(date)\">yesterday</span><div class=\"user-details\"><a href=\"/u/1\">\(name)</a></div></div></div>"
        }
        let html = """
            <html lang="en"><head><title>How do I stop squeaky brakes? - Bicycles</title></head><body>
            <div id="question-header"><h1><a class="question-hyperlink" href="/q/9">How do I stop squeaky brakes?</a></h1></div>
            <div id="question" class="question js-question"><div class="js-vote-count">5</div><div class="s-prose js-post-body"><p>\(Self.firstPost)</p></div>
            \(signature("anna_rides", "2024-03-10 09:00:00Z"))</div>
            <div id="answers"><div id="answer-1" class="answer js-answer"><div class="js-vote-count" data-value="3">3</div>
            <div class="s-prose js-post-body"><p>Try new pads.</p></div>\(signature("carla", "2024-03-11 08:00:00Z"))</div>
            <div id="answer-2" class="answer js-answer accepted-answer"><div class="js-vote-count" data-value="12">12</div>
            <div class="s-prose js-post-body"><p>\(Self.secondPost)</p></div>\(signature("Bob K", "2024-03-10 10:00:00Z"))</div></div>
            </body></html>
            """
        let fields = try extract(html, url: "https://bicycles.example.com/questions/9")
        #expect(fields["pageKind"] == "qa")
        #expect(fields["profile"] == "stackexchange")
        #expect(fields["question"]?.objectValue?["author"] == "anna_rides")
        #expect(fields["question"]?.objectValue?["published"] == "2024-03-10T09:00:00Z")
        #expect(fields["question"]?.objectValue?["text"] == .string(Self.firstPost))
        #expect(
            fields["answers"]
                == .array([
                    .object(["author": "carla", "published": "2024-03-11T08:00:00Z", "text": "Try new pads.", "accepted": false, "votes": 3]),
                    .object([
                        "author": "Bob K", "published": "2024-03-10T10:00:00Z", "text": .string(Self.secondPost), "accepted": true, "votes": 12,
                    ]),
                ]))
    }

    // MARK: Listings and articles

    /// A category page: twelve teasers, each a linked headline and a one-line summary.
    @Test func teaserListIsAListing() throws {
        let teasers = (1...12).map { index in
            """
            <div class="teaser"><h2><a href="/news/\(index)">Story number \(index) about the city council's plans</a></h2>
            <p>A short summary of story \(index), in one sentence.</p></div>
            """
        }
        let html = """
            <html lang="en"><head><title>City news</title></head><body><h1>City</h1><div class="stories">\(teasers.joined())</div></body></html>
            """
        let fields = try extract(html, url: "https://news.example.com/city/")
        #expect(fields["pageKind"] == "listing")
    }

    /// The same teaser list in Persian: headlines and summaries are weighed in characters, not in
    /// UTF-8 bytes (which counted the summaries' two-byte letters twice against the headlines').
    @Test func persianTeaserListIsAListing() throws {
        let teasers = (1...12).map { index in
            """
            <div class="teaser"><h2><a href="/news/\(index)">گزارش شماره \(index) درباره برنامه‌های تازه شورای شهر</a></h2>
            <p>خلاصه‌ای کوتاه از گزارش \(index) در یک جمله.</p></div>
            """
        }
        let html = """
            <html lang="fa" dir="rtl"><head><title>آرشیو</title></head><body><h1>آرشیو اخبار</h1><div class="stories">\(teasers.joined())</div></body></html>
            """
        let fields = try extract(html, url: "https://news.example.ir/news/archive")
        #expect(fields["pageKind"] == "listing")
    }

    /// An article page is an article: its long paragraphs are its story, a list of related links beside it or not.
    @Test func articleIsAnArticle() throws {
        let paragraph = String(repeating: "The council approved the new cycle lanes on Tuesday, after a long debate. ", count: 8)
        let related = (1...10).map { "<li><a href=\"/news/\($0)\">Another story about the city council, number \($0)</a></li>" }.joined()
        let html = """
            <html lang="en"><head><title>Cycle lanes</title></head><body><article><h1>Cycle lanes</h1><p>\(paragraph)</p><p>\(paragraph)</p></article>
            <ul class="more">\(related)</ul></body></html>
            """
        let fields = try extract(html, url: "https://news.example.com/2024/cycle-lanes")
        #expect(fields["pageKind"] == "article")
        #expect(fields["posts"] == nil && fields["question"] == nil && fields["answers"] == nil)
    }

    // MARK: filter

    func record(kind: String?) -> Record {
        var record = Record(url: "https://forum.example.com/threads/1", source: "urls")
        record.fields["body"] = "text"
        if let kind { record.fields["pageKind"] = .string(kind) }
        return record
    }

    @Test func filterKeepsTheKindsListed() throws {
        let threads = try RecordFilter(options: PluginOptions(["pageKind": ["thread", "qa"]]))
        #expect(threads.keeps(record(kind: "thread")))
        #expect(threads.keeps(record(kind: "qa")))
        #expect(!threads.keeps(record(kind: "article")))
        #expect(!threads.keeps(record(kind: "listing")))
        // A record without pageKind is an article.
        #expect(!threads.keeps(record(kind: nil)))
        #expect(try RecordFilter(options: PluginOptions(["pageKind": ["article"]])).keeps(record(kind: nil)))
        // The include form works on the field too.
        #expect(try RecordFilter(options: PluginOptions(["include": ["pageKind": "re:^thread$"]])).keeps(record(kind: "thread")))
    }

    @Test func filterRejectsUnknownKinds() throws {
        let error = try #require(throws: OptionError.self) { try RecordFilter(options: PluginOptions(["pageKind": ["threads"]])) }
        #expect(error.description.contains("not a page kind"))
        #expect(error.description.contains("did you mean \"thread\"?"))
        #expect(throws: OptionError.self) { try RecordFilter(options: PluginOptions(["pageKind": []])) }
    }
}
