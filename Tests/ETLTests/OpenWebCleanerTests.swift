import ETLHTML
import ETLKit
import ETLTestSupport
import ETLText
import Foundation
import Testing

@testable import ETLPlugins

/// The `html` cleaner on the kinds of pages the open web is made of (blogs, shops, forums, company
/// pages, broken markup), each page written here to show one pattern. Prose is English and German on
/// purpose: the rules must not depend on a language.
@Suite struct OpenWebCleanerTests {
    let cleaner = try! HTMLCleaner(options: PluginOptions())

    func page(_ body: String, head: String = "") throws -> Page {
        try cleaner.page(body: body, head: head, language: "en")
    }

    /// A paragraph of prose long enough to count as content.
    func prose(_ n: Int) -> String {
        "This is sentence number \(n) of the article, written to test the cleaner, with a few commas, so that it reads like real text."
    }

    func german(_ n: Int) -> String {
        "Das ist Satz Nummer \(n) des Artikels, geschrieben für den Test, mit einigen Kommas, damit er wie echter Text wirkt."
    }

    @Test func anUnclosedHeaderAroundTheWholePageIsAWrapperNotChrome() throws {
        // The header's <div> is never closed, so libxml2 nests the rest of the page inside <header>.
        let cleaned = try page(
            """
            <header class="site-header"><div class="logo"><a href="/">Autoblog</a>
            <div class="wrapper"><article><h1>Der Titel</h1>
              <div class="entry-content"><p>\(german(1))</p><p>\(german(2))</p><p>\(german(3))</p></div>
            </article></div>
            """)
        #expect(cleaned.blocks.map(\.text) == [german(1), german(2), german(3)])
    }

    @Test func aNavigationMenuWithMoreTextThanTheArticleIsStillRemoved() throws {
        // A mega-menu: hundreds of link characters, more than the article holds, and no prose.
        let links = (1...40).map { "<li><a href=\"/c\($0)\">Category number \($0) of the shop</a></li>" }.joined()
        let cleaned = try page(
            """
            <nav class="mega"><ul>\(links)</ul></nav>
            <div class="content"><p>\(prose(1))</p><p>\(prose(2))</p></div>
            """)
        #expect(cleaned.blocks.map(\.text) == [prose(1), prose(2)])
    }

    @Test func aPostInsideNoscriptIsRead() throws {
        // Blog platforms that render posts with scripts put the post in <noscript> for readers without them.
        let cleaned = try page(
            """
            <div class="post-body"><noscript><p>\(prose(1))</p><p>\(prose(2))</p></noscript></div>
            <div class="sidebar"><p>Archive</p></div>
            """)
        #expect(cleaned.blocks.map(\.text) == [prose(1), prose(2)])
    }

    @Test func aNoticeForBrowsersWithoutJavaScriptIsDropped() throws {
        let cleaned = try page(
            """
            <div class="entry-content"><p>\(prose(1))</p>
              <noscript><p>Please enable JavaScript in your browser to watch the video, it is needed.</p></noscript>
              <p>\(prose(2))</p></div>
            """)
        #expect(cleaned.blocks.map(\.text) == [prose(1), prose(2)])
    }

    @Test func anArticlesOwnHeaderIsKeptButThePagesHeaderIsNot() throws {
        let standfirst = "A standfirst that sums the story up, in one long sentence, above the first paragraph."
        let cleaned = try page(
            """
            <header class="masthead"><p>The Daily Example, news since 1901, every day, all day long, for you.</p></header>
            <article><header><h1>The title</h1><p class="standfirst">\(standfirst)</p></header>
              <p>\(prose(1))</p><p>\(prose(2))</p></article>
            """)
        #expect(cleaned.blocks.map(\.text) == ["The title", standfirst, prose(1), prose(2)])
    }

    @Test func labelsOfPageFurnitureAreDroppedInEveryLanguageButSentencesStay() throws {
        let sentence = "Mehr zum Thema Klima sagte die Ministerin am Montag, dass die Pläne noch nicht fertig seien."
        let cleaned = try page(
            """
            <div class="entry-content"><p>\(german(1))</p><p>Foto: dpa/Max Muster</p><p>\(german(2))</p>
              <h3>Mehr zum Thema</h3><p>Lesen Sie auch:</p><h4>Temas relacionados</h4><p>À lire aussi</p>
              <p>Czytaj także</p><p>Related articles</p><p>© 2024 Example GmbH</p><p>Source : AFP</p>
              <p>\(sentence)</p><p>Previous post</p><p>Back to Gallery</p><p>Zurück zur Übersicht</p>
              <p>Themen: Klima, Energie, Verkehr</p><p>Augusta National/Getty Images</p><p>More:</p>
              <p>A spokesperson declined to comment to Reuters.</p></div>
            """)
        #expect(cleaned.blocks.map(\.text) == [german(1), german(2), sentence, "A spokesperson declined to comment to Reuters."])
    }

    @Test func aTokenMainContentFallsBackToThePageWithoutItsBoilerplate() throws {
        // The only prose is an author box; the recipe itself is short lines that never score.
        let items = ["200 g Mehl", "2 Eier", "1 Prise Salz", "100 ml Milch", "50 g Butter", "1 EL Zucker"]
        let html = """
            <html lang="de"><body><nav><a href="/">Start</a><a href="/rezepte">Rezepte</a></nav>
            <div class="author-box"><p>Anna backt seit Jahren, schreibt über Kuchen, Brot, Gärten und, manchmal, Reisen.</p></div>
            <div class="recipe"><h2>Zutaten</h2><ul>\(items.map { "<li>\($0)</li>" }.joined())</ul>
              <h2>Zubereitung</h2><p>Alles gut verrühren.</p><p>30 Minuten backen.</p></div>
            <footer><p>Impressum</p></footer></body></html>
            """
        let cleaned = try cleaner.page(from: html, url: "test")
        #expect(cleaned.blocks.map(\.text) == ["Zutaten"] + items + ["Zubereitung", "Alles gut verrühren.", "30 Minuten backen."])
        let decisions = try cleaner.explain(html, url: "test")
        #expect(decisions.filter(\.kept).allSatisfy { $0.reason.hasPrefix("fell back from div.author-box") })
    }

    @Test func aPageItsScriptsFillInTakesItsBodyFromTheJSONLDArticleBody() throws {
        // The shell shows a standfirst; the article is in the JSON-LD (and in a script state the page draws it from).
        let article = (1...6).map { prose($0) }
        let linked = """
            {"@context":"https://schema.org","@type":"NewsArticle","headline":"The title",
             "articleBody":"\(article[0]) \(article[1])\\n<p>\(article[2]) \(article[3])</p>\\n\\n\(article[4]) Is 1 < 2? \(article[5])"}
            """
        let html = """
            <html><head><script type="application/ld+json">\(linked)</script></head><body>
            <div class="app"><h1>The title</h1><p class="standfirst">A standfirst of one sentence, shown before the app loads the story.</p></div>
            </body></html>
            """
        let cleaned = try cleaner.page(from: html, url: "test")
        #expect(cleaned.blocks.map(\.text) == ["\(article[0]) \(article[1])", "\(article[2]) \(article[3])", "\(article[4]) Is 1 < 2? \(article[5])"])
        let decisions = try cleaner.explain(html, url: "test")
        #expect(decisions.filter(\.kept).allSatisfy { $0.reason.hasPrefix("fell back to the JSON-LD articleBody") })
    }

    @Test func theBodyComesOutInNormalizationFormC() throws {
        // Decomposed text, as some editors save it: u + U+0308, Bengali য + nukta as the one scalar য়
        // (which NFC never keeps composed), Hangul as jamo; Persian with its ZWNJ is left as it is.
        let german = "Die Gr\u{0075}\u{0308}nen stimmen f\u{0075}\u{0308}r den Antrag, der seit Wochen im Ausschuss liegt und nun endlich kommt."
        let bengali = "\u{0995}\u{09C1}\u{09B7}\u{09CD}\u{099F}\u{09BF}\u{09DF}\u{09BE} জেলার এক গ্রামে আজ সকালে এ ঘটনা ঘটে বলে জানিয়েছে পুলিশ, তদন্ত চলছে।"
        let korean = "\u{1112}\u{1161}\u{11AB}\u{1100}\u{116E}\u{11A8} 사람들은 오늘 아침 일찍 시장에 가서 과일과 채소를 많이 샀습니다, 날씨가 좋았습니다."
        let persian = "می\u{200C}خواهند این کتاب\u{200C}ها را امروز به کتابخانه\u{200C}ی شهر ببرند تا همه بتوانند آن\u{200C}ها را بخوانند."
        let cleaned = try page("<article><p>\(german)</p><p>\(bengali)</p><p>\(korean)</p><p>\(persian)</p></article>")
        let texts = cleaned.blocks.map(\.text)
        #expect(
            texts.map { $0.unicodeScalars.map(\.value) }
                == [german, bengali, korean, persian].map { $0.precomposedStringWithCanonicalMapping.unicodeScalars.map(\.value) })
        #expect(texts[0].hasPrefix("Die Gr\u{00FC}nen"))
        #expect(texts[1].unicodeScalars.contains("\u{09BC}") && !texts[1].unicodeScalars.contains("\u{09DF}"))
        #expect(texts[2].hasPrefix("한국"))
        #expect(texts[3].unicodeScalars.map(\.value) == persian.unicodeScalars.map(\.value))
        #expect(!persian.mayNeedComposition && german.mayNeedComposition && "Grüße".mayNeedComposition == false)
    }

    @Test func aShortJSONLDArticleBodyNeverReplacesThePagesText() throws {
        // Sites that put the first sentences in articleBody: the page's own text stays.
        let linked = #"{"@type":"Article","articleBody":"\#(prose(9))"}"#
        let cleaned = try page(
            "<article><p>\(prose(1))</p><p>\(prose(2))</p></article>",
            head: #"<script type="application/ld+json">\#(linked)</script>"#)
        #expect(cleaned.blocks.map(\.text) == [prose(1), prose(2)])
    }
    @Test func aDataTableStaysATableWithRowsAndCells() throws {
        let cleaned = try page(
            """
            <div class="entry-content"><p>\(prose(1))</p>
              <table><caption>Prices in 2024</caption>
                <thead><tr><th>Product</th><th>Price</th><th>Note</th></tr></thead>
                <tbody><tr><td>Apples</td><td>2,10 €</td><td></td></tr><tr><td><a href="/p">Pears</a></td><td>3,00 €</td><td>organic</td></tr></tbody>
              </table><p>\(prose(2))</p></div>
            """)
        #expect(cleaned.blocks.map(\.kind) == [.paragraph, .caption, .table, .paragraph])
        #expect(cleaned.blocks[1].text == "Prices in 2024")
        #expect(cleaned.blocks[2].rows == [["Product", "Price", "Note"], ["Apples", "2,10 €", ""], ["Pears", "3,00 €", "organic"]])
        #expect(cleaned.blocks[2].text == "Product | Price | Note\nApples | 2,10 € | \nPears | 3,00 € | organic")
    }

    @Test func aDataTableNamedLikeFurnitureIsStillATableOfTheArticle() throws {
        // A recipe's ingredients in a table styled `table-header` (a header row): "header" names the
        // styling, not the page's header. A weak name around the table still drops it.
        let cleaned = try page(
            """
            <div class="entry-content"><p>\(german(1))</p>
              <table class="ingredients table-header"><thead><tr><th colspan="2">Für den Teig:</th></tr></thead>
                <tbody><tr><td>125 g</td><td>Mehl</td></tr><tr><td>65 g</td><td>Margarine oder Butter</td></tr></tbody></table>
              <div class="byline"><table><tr><td>Autor</td><td>Anna</td></tr><tr><td>Datum</td><td>heute</td></tr></table></div>
              <p>\(german(2))</p></div>
            """)
        #expect(cleaned.blocks.map(\.kind) == [.paragraph, .table, .paragraph])
        #expect(cleaned.blocks[1].rows == [["Für den Teig:"], ["125 g", "Mehl"], ["65 g", "Margarine oder Butter"]])
    }

    @Test func aLayoutTableIsNotATable() throws {
        // An older site laid out with a table: the article is one long cell beside a menu cell.
        let cleaned = try page(
            """
            <table><tr><td class="menu"><a href="/">Home</a></td>
              <td><p>\(prose(1)) \(prose(2)) \(prose(3)) \(prose(4))</p><p>\(prose(5))</p></td></tr></table>
            """)
        #expect(cleaned.blocks.allSatisfy { $0.kind == .paragraph && $0.rows == nil })
        #expect(cleaned.blocks.map(\.text).last == prose(5))
    }

    @Test func theArticleElementIsTakenWhenItHoldsClearlyMoreProseThanTheChoice() throws {
        // An intro section and the body in containers of their own, inside one <article>.
        let cleaned = try page(
            """
            <article><section class="intro"><p>\(prose(1))</p></section>
              <div class="text"><p>\(prose(2))</p><p>\(prose(3))</p><p>\(prose(4))</p></div></article>
            <aside><p>Other things, unrelated, in a sidebar, with commas, to tempt the cleaner.</p></aside>
            """)
        #expect(cleaned.blocks.map(\.text) == [prose(1), prose(2), prose(3), prose(4)])
    }

    @Test func datesAndBylinesAreNotContent() throws {
        let cleaned = try page(
            """
            <div class="entry-content"><p>Updated 1:39 am EST, Wednesday, November 20, 2019</p><p>\(prose(1))</p>
              <p>Von Anna Muster | 18.11.2019, 14:02 Uhr</p><p>Published 2 days ago</p><p>\(prose(2))</p>
              <p>On 20 November 2019 the council met, and it voted, after a long debate, for the plan.</p></div>
            """)
        #expect(cleaned.blocks.map(\.text) == [prose(1), prose(2), "On 20 November 2019 the council met, and it voted, after a long debate, for the plan."])
        #expect(!BoilerplateLine.isDateLine("Prices in 2024"))
        #expect(BoilerplateLine.isDateLine("By Meg James | Nov. 19, 2019"))
        #expect(BoilerplateLine.isDateLine("18 listopada 2019 r."))
        #expect(BoilerplateLine.isDateLine("hace 2 horas"))
    }

    @Test func sectionsThatShareAFurnitureNameAndHoldTheArticleAreKept() throws {
        // A review template names every section by what it may carry (`--ads`): together they are the article.
        let cleaned = try page(
            """
            <article class="review"><h1>Der Test</h1>
              <section class="review-part review-part--ads"><h2>Aufbau</h2><p>\(german(1))</p><p>\(german(2))</p></section>
              <section class="review-part review-part--ads"><h2>Ergebnis</h2><p>\(german(3))</p><p>\(german(4))</p></section>
              <section class="review-part review-part--ads"><h2>Fazit</h2><p>\(german(5))</p></section>
              <div class="meta-box"><p>Getestet von der Redaktion, mit Fotos, im Labor</p></div>
            </article>
            """)
        #expect(cleaned.blocks.map(\.text) == ["Der Test", "Aufbau", german(1), german(2), "Ergebnis", german(3), german(4), "Fazit", german(5)])
    }

    @Test func scriptHooksDoNotNameContentAsChrome() throws {
        // `js-` classes are where scripts hook in (here, to insert advertorials into the text); the
        // comments beside the article keep their own name and stay out.
        let cleaned = try page(
            """
            <div class="story"><p>\(german(1))</p>
              <div class="story-text js-inline-advertorial js-external-links"><p>\(german(2))</p><p>\(german(3))</p></div>
              <div class="story-text js-inline-advertorial js-external-links"><p>\(german(4))</p><p>\(german(5))</p></div>
              <div class="comments js-comments"><p>\(prose(9))</p></div>
            </div>
            """)
        #expect(cleaned.blocks.map(\.text) == [german(1), german(2), german(3), german(4), german(5)])
    }

    @Test func aSentenceWhoseNamesAreLinkedIsProse() throws {
        let linked =
            "<a href=\"/p/1\">Anna Beispiel, bisher bei den Stadtwerken</a>, übernimmt die Pressearbeit von <a href=\"/p/2\">Bernd Muster</a>, der sie neben seinen Aufgaben bei <a href=\"/f/3\">der Musterbank Versicherung AG in Hamburg</a> führte."
        let cleaned = try page(
            """
            <div class="entry-content"><p>\(german(1))</p><p>\(linked)</p>
              <p><a href="/a/1">Ein anderer Artikel über die Musterbank und ihre Pressearbeit im Jahr</a> <a href="/a/2">Noch ein Artikel</a></p>
              <p>\(german(2))</p></div>
            """)
        #expect(
            cleaned.blocks.map(\.text) == [
                german(1),
                "Anna Beispiel, bisher bei den Stadtwerken, übernimmt die Pressearbeit von Bernd Muster, der sie neben seinen Aufgaben bei der Musterbank Versicherung AG in Hamburg führte.",
                german(2),
            ])
    }

    @Test func aHeadingThatClosesTheContentWithNothingAfterItIsDropped() throws {
        // The heading of a list of other stories inside the article's container; the list's links go,
        // and so does the heading. A sentence set as a heading (a pull quote) stays.
        let cleaned = try page(
            """
            <div class="entry-content"><h2>Der Anfang</h2><p>\(german(1))</p><p>\(german(2))</p>
              <h3>Er wusste es. Und er schwieg.</h3>
              <h3>Noch mehr Ideen für den Garten</h3>
              <ul><li><a href="/a">Ein anderer Artikel</a></li><li><a href="/b">Noch ein anderer Artikel</a></li></ul>
              <h4>Weitere Tipps</h4></div>
            """)
        #expect(cleaned.blocks.map(\.text) == ["Der Anfang", german(1), german(2), "Er wusste es. Und er schwieg."])
    }

    @Test func aCaptionWithItsPictureCreditIsDropped() throws {
        // Captions written as paragraphs between the article's own, each with its credit after a "©".
        let cleaned = try page(
            """
            <div class="entry-content"><p>\(german(1))</p>
              <p>Die Altstadt im ersten Schnee des Winters. | © Anna Beispiel/Musterbild</p><p>\(german(2))</p>
              <p>Photo © Jane Doe, John Roe</p>
              <p>Excerpted from the book. Copyright © 2018 by Jane Doe. Used with permission.</p></div>
            """)
        #expect(cleaned.blocks.map(\.text) == [german(1), german(2), "Excerpted from the book. Copyright © 2018 by Jane Doe. Used with permission."])
        #expect(!BoilerplateLine.endsWithCredit("Das Café am Markt, seit 1920 geöffnet", characters: 37))
    }

    @Test func aWeaklyNamedWordInsideASentenceStaysInIt() throws {
        // A keyword link in running text is a word of the sentence; a caption on its own is still dropped.
        let sentence =
            "Wer keinen Dienst beauftragt, nimmt die Pflicht als Training an der frischen <span class=\"keyword-link\"><a href=\"/luft\">Luft</a></span> und bleibt so, auch im Winter, fit."
        let cleaned = try page(
            """
            <div class="entry-content"><p>\(german(1))</p><p>\(sentence)</p>
              <div><span class="caption">Schnee auf dem Gehweg vor dem Haus</span></div><p>\(german(2))</p></div>
            """)
        #expect(
            cleaned.blocks.map(\.text) == [
                german(1), "Wer keinen Dienst beauftragt, nimmt die Pflicht als Training an der frischen Luft und bleibt so, auch im Winter, fit.", german(2),
            ])
    }

    @Test func anEmailAddressAndANamedAnchorAreTextNotNavigation() throws {
        // A mailto: link and a named anchor (a target to jump to) lead to no other page: their text
        // is what the paragraph says. A button run by a script (no href, no name) stays a link.
        let cleaned = try page(
            """
            <div class="entry-content"><p>\(german(1))</p>
              <p><a href="mailto:anmeldung@beispiel-verein.de">anmeldung@beispiel-verein.de</a></p>
              <p><a name="frage-3">Die dritte Frage der Leser: Was sagt die Forschung dazu?</a></p>
              <p><a class="replay">Noch einmal abspielen</a></p>
              <p><a href="/archiv">Zum Archiv der Beispielseite</a></p><p>\(german(2))</p></div>
            """)
        #expect(
            cleaned.blocks.map(\.text) == [
                german(1), "anmeldung@beispiel-verein.de",
                "Die dritte Frage der Leser: Was sagt die Forschung dazu?", german(2),
            ])
    }

    @Test func phoneNumbersAndVersionsAreNotNumericDates() throws {
        // Three numbers joined by dashes or dots are a date only when they can be day, month and year.
        let cleaned = try page(
            """
            <div class="entry-content"><p>\(prose(1))</p><p>Tel. +49 301-44-2012</p><p>Build 1.10.100-beta</p>
              <p>Stand: 18.11.2019</p><p>\(prose(2))</p></div>
            """)
        #expect(cleaned.blocks.map(\.text) == [prose(1), "Tel. +49 301-44-2012", "Build 1.10.100-beta", prose(2)])
        #expect(BoilerplateLine.isDateLine("2019-11-18"))
        #expect(BoilerplateLine.isDateLine("am 5/6/22"))
        #expect(!BoilerplateLine.isDateLine("Version 0.0.0"))
    }

    @Test func promptsToSubscribeAreNotContent() throws {
        let cleaned = try page(
            """
            <div class="entry-content"><p>\(prose(1))</p>
              <p>Sign up to our newsletter for exclusive updates and enhanced content, every morning.</p>
              <p>Abonnieren Sie unseren Newsletter, damit Sie nichts verpassen, jeden Tag, kostenlos.</p>
              <p>\(prose(2))</p></div>
            """)
        #expect(cleaned.blocks.map(\.text) == [prose(1), prose(2)])
    }

    @Test func taxonomyClassesDoNotNameTheArticleChrome() throws {
        // WordPress puts a post's categories and tags on its <article>: "popular-posts", "comments".
        let cleaned = try page(
            """
            <article class="post type-post category-popular-posts tag-comments"><p>\(prose(1))</p><p>\(prose(2))</p></article>
            <div class="consent-banner"><p>We use cookies, and similar tools, to improve, measure and, sometimes, personalise the site.</p></div>
            """)
        #expect(cleaned.blocks.map(\.text) == [prose(1), prose(2)])
    }

    @Test func aListThatWinsGivesWayToTheTextAroundIt() throws {
        // A guide: two paragraphs, then a list of long points that scores more than either.
        let points = (1...4).map { "<li>\(german(10 + $0)) \(german(20 + $0))</li>" }.joined()
        let cleaned = try page(
            """
            <div class="guide"><p>Vorweg, in aller Kürze, das Wichtigste.</p><ul>\(points)</ul><p>Zum Schluss, kurz, ein Rat.</p></div>
            <footer><p>Impressum, Kontakt, Datenschutz, und, vieles mehr, was niemand liest.</p></footer>
            """)
        #expect(cleaned.blocks.first?.text == "Vorweg, in aller Kürze, das Wichtigste.")
        #expect(cleaned.blocks.last?.text == "Zum Schluss, kurz, ein Rat.")
        #expect(cleaned.blocks.count == 6)
    }

    @Test func aCopyrightRegionIsChrome() throws {
        let cleaned = try page(
            """
            <div class="region-copyright"><p>Example Verlag GmbH, Hauptstraße 7, 12345 Neustadt, Telefon 01234-5678, Fax 01234-5679, alle Rechte vorbehalten, auch die der Übersetzung.</p></div>
            <div class="text"><p>\(german(1))</p></div><div class="text"><p>\(german(2))</p></div>
            """)
        #expect(cleaned.blocks.map(\.text) == [german(1), german(2)])
    }

    @Test func aPostThatIsOneLinkIsNotEmpty() throws {
        // The only scoring lines are the dates of a "recent posts" list, which are dropped as dates;
        // the post is a link to a PDF, too link-heavy for any other rule to keep.
        let html = """
            <html><body><ul class="menu">\((1...12).map { "<li><a href=\"/c\($0)\">Category number \($0)</a></li>" }.joined())</ul>
            <div class="post"><h2>Worksheets</h2><div class="entry-content"><p>PDF: <a href="/w.pdf">worksheet-one</a></p></div></div>
            <div class="recent">\((1...4).map { "<p>Posted on 12.03.202\($0), 14:0\($0), by Anna</p>" }.joined())</div></body></html>
            """
        let cleaned = try cleaner.page(from: html, url: "test")
        #expect(cleaned.blocks.map(\.text).contains("PDF: worksheet-one"))
        let decisions = try cleaner.explain(html, url: "test")
        #expect(decisions.contains { $0.kept && $0.reason.contains("nothing survived") })
    }

    @Test func errorMessagesOfTheSitesSoftwareAreNotProse() throws {
        // A short post beside a sidebar that PHP filled with warnings, which are long and full of commas.
        let warning =
            "Warning: Use of undefined constant comments - assumed 'comments' (this will throw an Error in a future version of PHP), in /var/www/html/wp-content/themes/x/sidebar.php on line 42"
        let cleaned = try page(
            """
            <div class="post"><h2>Nummer zwei</h2><div class="postentry"><p>Es ist schon einige Zeit her, als er kam.</p><p>So sah es aus, ganz klein, und schon laut.</p></div></div>
            <ul><li><p>\(warning)</p></li><li><p>\(warning)</p></li><li><p>\(warning)</p></li></ul>
            """)
        #expect(cleaned.blocks.map(\.text).contains("So sah es aus, ganz klein, und schon laut."))
        #expect(!cleaned.blocks.map(\.text).contains(warning))
    }

    @Test func aShortSectionBesideTheArticleIsMoreOfIt() throws {
        // Six paragraphs, then a closing section of one, in a container of its own.
        let cleaned = try page(
            """
            <div class="wrap"><div class="main-text">\((1...6).map { "<p>\(prose($0))</p>" }.joined())</div>
              <div class="closing"><h3>Fazit</h3><p>\(german(9))</p></div></div>
            """)
        #expect(cleaned.blocks.map(\.text).contains(german(9)))
    }

    @Test func slidersAndTestimonialsAreNotTheContent() throws {
        // A lawyer's home page: two paragraphs of introduction, a slider of clients' praise that is
        // longer, and many links to fields of law.
        let quote = { (n: Int) in "<li><p>\(german(20 + n)) \(german(30 + n))</p></li>" }
        let cleaned = try page(
            """
            <div class="jumbotron"><p class="intro">Ich bin Anwalt in Berlin, seit zwanzig Jahren, für Familien, Vereine und Firmen.</p>
              <p>Ich freue mich, wenn Sie anrufen, schreiben, oder, ganz einfach, vorbeikommen.</p></div>
            <div class="testimonial-slider flexslider"><ul class="slides">\((1...3).map(quote).joined())</ul></div>
            <div class="areas">\((1...60).map { "<a href=\"/g\($0)\">Rechtsgebiet Nummer \($0)</a> " }.joined())</div>
            """)
        #expect(
            cleaned.blocks.map(\.text) == [
                "Ich bin Anwalt in Berlin, seit zwanzig Jahren, für Familien, Vereine und Firmen.",
                "Ich freue mich, wenn Sie anrufen, schreiben, oder, ganz einfach, vorbeikommen.",
            ])
    }

    @Test func promptsToFollowTheSiteElsewhereAreDropped() throws {
        // A closing prompt inside the article's own container; news about a network stays.
        let news = "Twitter said on Monday that it would follow the new rules in every country where it runs its service."
        let cleaned = try page(
            """
            <div class="entry-content"><p>\(prose(1))</p><p>\(news)</p><p>\(prose(2))</p>
              <p>Follow the Daily Example on Twitter and Instagram @example, and on Facebook.</p>
              <p>¡Únete a nuestro canal de Telegram desde tu celular!</p>
              <p>Für die neuesten Nachrichten: Laden Sie unsere Apps für iOS und Android herunter, abonnieren Sie uns.</p></div>
            """)
        #expect(cleaned.blocks.map(\.text) == [prose(1), news, prose(2)])
    }

    @Test func advertisingAndAffiliateDisclosuresAreDropped() throws {
        // A blog's own disclosure inside the post; a sentence about disclosures stays.
        let news = "Die Verbraucherzentrale kritisiert, dass viele Blogs Werbung und Affiliate-Links nicht kennzeichnen, wie es das Gesetz verlangt."
        let cleaned = try page(
            """
            <div class="entry-content"><p>*Anzeige. Dieser Beitrag enthält Werbung für einen Gartenladen.</p>
              <p>\(german(1))</p><p>\(news)</p><p>\(german(2))</p>
              <p>This post contains affiliate links: when you buy through them, we may earn a commission.</p>
              <p>Los enlaces de esta página: el artículo contiene enlaces de afiliado.</p></div>
            """)
        #expect(cleaned.blocks.map(\.text) == [german(1), news, german(2)])
    }

    @Test func thePromptToLogInToCommentIsDropped() throws {
        // Where readers' comments would be, the prompt to log in; a sentence about logging in stays.
        let sentence = "Wer an der Abstimmung teilnehmen will, muss eingeloggt sein, sagte die Sprecherin des Vereins am Montag."
        let cleaned = try page(
            """
            <div class="entry-content"><p>\(german(1))</p><p>\(sentence)</p><p>\(german(2))</p>
              <p>Du musst eingeloggt sein, um Kommentare zu schreiben! Noch kein Konto?</p>
              <p>You must be logged in to post a comment.</p>
              <p>Vous devez être connecté pour publier un commentaire.</p></div>
            """)
        #expect(cleaned.blocks.map(\.text) == [german(1), sentence, german(2)])
    }

    @Test func aLabelWithARemarkInBracketsIsStillALabel() throws {
        // "No comments" with the site's note on moderation after it; a sentence that ends in brackets stays.
        let sentence = "Die Zahl der Kommentare unter den Artikeln der Zeitung stieg im Jahr darauf stark an (von 300 auf 3000)"
        let cleaned = try page(
            """
            <div class="entry-content"><p>\(german(1))</p><p>\(sentence)</p><p>\(german(2))</p>
              <p>Keine Kommentare (Kommentare erscheinen erst nach Freigabe durch die Redaktion)</p>
              <p>Comments (they appear here once a moderator has read them)</p>
              <p>Commentaires (ils sont publiés après modération)</p></div>
            """)
        #expect(cleaned.blocks.map(\.text) == [german(1), sentence, german(2)])
    }

    @Test func linksToFilesAreNotContent() throws {
        // A download link with the file's format, or its format and size; sentences that name a file stay.
        let sentence = "Ein Blick in den Bericht (PDF, 2 MB) zeigt, dass die Kosten im vergangenen Jahr deutlich gestiegen sind."
        let english = "You can download the full report as a PDF from the website of the ministry"
        let cleaned = try page(
            """
            <div class="entry-content"><p>\(german(1))</p><p>\(sentence)</p><p>\(german(2))</p><p>\(english)</p>
              <p>Diesen Artikel als PDF herunterladen</p><p>Download the transcript (PDF)</p>
              <p>Jahresbericht 2023<span>PDF | 1,4 MB | nicht barrierefrei</span></p>
              <p>Télécharger au format EPUB</p></div>
            """)
        #expect(cleaned.blocks.map(\.text) == [german(1), sentence, german(2), english])
    }

    @Test func promptsToBecomeAMemberOrGetTheLatestNewsAreNotContent() throws {
        // Closing prompts in the article's container; sentences with the same words stay.
        let member = "Wer Mitglied werden will, zahlt zwanzig Euro im Jahr, sagte der Vorsitzende des Vereins am Abend."
        let latest = "The minister said the latest news from the region was worrying, and pointed to the agency for the figures."
        let cleaned = try page(
            """
            <div class="entry-content"><p>\(prose(1))</p><p>\(member)</p><p>\(latest)</p><p>\(prose(2))</p>
              <p>HAZTE SOCIO Y DISFRUTA DE VENTAJAS EXCLUSIVAS</p><p>Werden Sie Mitglied und lesen Sie alle Artikel</p>
              <p>For the latest news and updates, download the Example Times app.</p>
              <p>Get the latest stories in your inbox every morning.</p></div>
            """)
        #expect(cleaned.blocks.map(\.text) == [prose(1), member, latest, prose(2)])
    }

    @Test func aLabelThatIntroducesMoreOnTheSubjectIsDropped() throws {
        // Lines that end with "on this topic" name what follows; a sentence or a heading that goes on stays.
        let heading = "Was Eltern zum Thema Schlaf wissen sollten"
        let sentence = "Passend dazu organisiert die Hochschule im Mai eine Veranstaltung zum Thema."
        let cleaned = try page(
            """
            <div class="entry-content"><p>\(german(1))</p><h2>\(heading)</h2><p>\(german(2))</p><p>\(sentence)</p>
              <h3>Ansprechpartner zum Thema:</h3><p>Podcasts et vidéos sur le sujet</p>
              <h4>Books and courses on this topic</h4><p>\(german(3))</p></div>
            """)
        #expect(cleaned.blocks.map(\.text) == [german(1), heading, german(2), sentence, german(3)])
    }

    @Test func aTeaserThatEndsWithALinkToReadOnIsDropped() throws {
        // Teasers of other stories in the article's container, cut with a link to read on; paragraphs
        // that say "read more" in their words or end with a link to a source stay.
        let words = "Wer mehr lesen will, findet die ganze Studie auf der Website des Instituts, sagte die Autorin am Montag."
        let source = "The figures for the last quarter were published on Friday by <a href=\"/stats\">the statistics office</a>."
        let cleaned = try page(
            """
            <div class="entry-content"><p>\(prose(1))</p><p>\(words)</p><p>\(source)</p><p>\(prose(2))</p>
              <p>Der Sommer ist da, und die Stadt feiert am Wochenende ihr Fest am See. Seht selbst! <a href="/fest">Weiterlesen</a></p>
              <p>The council voted on the new budget late on Tuesday night. <a href="/budget">Read more »</a></p>
              <p>Radni przyjęli nowy budżet miasta we wtorek wieczorem. <a href="/budzet">[czytaj więcej]</a></p></div>
            """)
        #expect(
            cleaned.blocks.map(\.text) == [
                prose(1), words, "The figures for the last quarter were published on Friday by the statistics office.", prose(2),
            ])
    }

    @Test func promptsToDiscoverMoreOfTheSiteAreNotContent() throws {
        // "Discover more" headings over the site's other pages; a sentence about discovering stays.
        let sentence = "Die Kinder entdecken weitere Orte am See, sagte die Försterin, bevor die Gruppe am Mittag weiterzog."
        let cleaned = try page(
            """
            <div class="entry-content"><p>\(german(1))</p><p>\(sentence)</p><p>\(german(2))</p>
              <h3>Entdecke weitere Gartenreportagen</h3><p>\(german(3))</p><h3>Discover more home stories</h3>
              <p>Découvrez d'autres recettes de saison</p></div>
            """)
        #expect(cleaned.blocks.map(\.text) == [german(1), sentence, german(2), german(3)])
    }

    @Test func theExplanationOfAButtonIsNotContent() throws {
        // A podcast page explains its widgets; a sentence about a button stays.
        let sentence = "Mit einem Button am Lenkrad lässt sich der Assistent abschalten, sagte der Ingenieur bei der Vorstellung."
        let cleaned = try page(
            """
            <div class="entry-content"><p>\(german(1))</p><p>\(sentence)</p><p>\(german(2))</p>
              <p>Mit diesem Button kannst Du diese Episode zu Deiner Merkliste hinzufügen. Dazu musst Du Dich anmelden:</p>
              <p>With this button you can add the episode to your playlist.</p>
              <p>Avec ce bouton, vous ajoutez l'épisode à votre liste.</p></div>
            """)
        #expect(cleaned.blocks.map(\.text) == [german(1), sentence, german(2)])
    }

    @Test func theNewslettersPromiseNeverToMissAThingIsNotContent() throws {
        // A heading over a newsletter form ends with its promise; a sentence with the words stays.
        let sentence = "Wer die Fristen kennt, wird nichts mehr verpassen, sagte die Steuerberaterin."
        let cleaned = try page(
            """
            <div class="entry-content"><p>\(german(1))</p><p>\(sentence)</p><p>\(german(2))</p>
              <h3>Mit unserem Newsletter 2025 nichts mehr verpassen!</h3><p>Inscrivez votre adresse et ne manquez rien</p>
              <p>\(german(3))</p></div>
            """)
        #expect(cleaned.blocks.map(\.text) == [german(1), sentence, german(2), german(3)])
    }

    @Test func aQuestionThatEndsWithASignUpLinkIsNotContent() throws {
        // A newsletter's question and its sign-up link in one line; a sentence about signing up stays.
        let sentence = "Mehr als tausend Menschen wollten sich am ersten Tag anmelden, sagte die Organisatorin. Jetzt anmelden"
        let cleaned = try page(
            """
            <div class="entry-content"><p>\(prose(1))</p><p>\(sentence)</p><p>\(prose(2))</p>
              <p>Do you want to hear about our next events? <a href="/newsletter">Sign up here</a></p>
              <p>Möchten Sie über neue Folgen informiert werden? Hier anmelden</p></div>
            """)
        #expect(cleaned.blocks.map(\.text) == [prose(1), sentence, prose(2)])
    }

    @Test func aReleaseDateLabelWithoutItsDateIsDropped() throws {
        // The label of a date the template fills elsewhere; a sentence about a release date stays.
        let sentence = "Das Veröffentlichungsdatum des Berichts wurde zweimal verschoben, sagte ein Sprecher des Ministeriums."
        let cleaned = try page(
            """
            <div class="entry-content"><p>Release Date:</p><p>\(german(1))</p><p>\(sentence)</p>
              <p>Veröffentlichungsdatum:</p><p>Date de publication :</p><p>\(german(2))</p></div>
            """)
        #expect(cleaned.blocks.map(\.text) == [german(1), sentence, german(2)])
    }

    @Test func aLinkOnToAnotherPartOfTheSiteIsNotContent() throws {
        // "… weiter zu" and "skip to" lead out of the article; an instruction of a recipe stays.
        let step = "Continue to stir for two minutes."
        let cleaned = try page(
            """
            <div class="entry-content"><p>Skip to content</p><p>\(prose(1))</p><p>\(step)</p><p>\(prose(2))</p>
              <p>... weiter zu „Der Satzbau“</p><p>Przejdź do komentarzy</p></div>
            """)
        #expect(cleaned.blocks.map(\.text) == [prose(1), step, prose(2)])
    }

    @Test func aCaptionReadAfterItsZoomButtonIsNotContent() throws {
        // A gallery's zoom button and caption read as one paragraph; an instruction to enlarge stays.
        let instruction = "Vergrößern Sie das Bild mit zwei Fingern, um die Details der Karte zu sehen."
        let english = "Enlarge the photo to see the damage on the roof."
        let cleaned = try page(
            """
            <div class="entry-content"><p>\(german(1))</p><p><a href="/g/1">Vergrößern</a> Eine kleine Kamera im Display des neuen Telefons.</p>
              <p>\(instruction)</p><p>\(english)</p><p><a href="/g/2">Enlarge</a> The new phone in three colours.</p><p>\(german(2))</p></div>
            """)
        #expect(cleaned.blocks.map(\.text) == [german(1), instruction, english, german(2)])
    }

    @Test func aLineThatIsOneHostNameIsNotContent() throws {
        // A logo's text; identifiers of code and a sentence with a host name stay.
        let sentence = "Die Zahlen stammen von transfermarkt.de und wurden am Montag veröffentlicht."
        let cleaned = try page(
            """
            <div class="entry-content"><p>EXAMPLENEWS.COM</p><p>\(german(1))</p><p>\(sentence)</p><p>android.permission.CAMERA</p>
              <p>beispiel-zeitung.de</p><p>\(german(2))</p></div>
            """)
        #expect(cleaned.blocks.map(\.text) == [german(1), sentence, "android.permission.CAMERA", german(2)])
    }

    @Test func aPromptToWriteToTheEditorsIsNotContent() throws {
        // The form's prompt under an opinion piece; a sentence about letters to the editor stays.
        let sentence = "Readers wrote to us in their hundreds after the first part of the series, and we print a selection today."
        let cleaned = try page(
            """
            <div class="entry-content"><p>\(prose(1))</p><p>\(sentence)</p><p>\(prose(2))</p>
              <p>Submit your letter to the editor with this form. More letters to the editor.</p>
              <p>Schreiben Sie uns Ihre Meinung an leserbriefe@example.de</p></div>
            """)
        #expect(cleaned.blocks.map(\.text) == [prose(1), sentence, prose(2)])
    }

    @Test func aNoticeOnTheContentOfTheWholeSiteIsNotContent() throws {
        // The site's licence under a post; the licence of the work itself and a sentence about a site stay.
        let work = "Dieses Werk ist lizenziert unter einer Creative Commons Namensnennung 4.0 International Lizenz."
        let sentence = "The operators of example.org put the content of their site under a free licence in 2019, the magazine reports."
        let cleaned = try page(
            """
            <div class="entry-content"><p>\(german(1))</p><p>\(sentence)</p><p>\(german(2))</p><p>\(work)</p>
              <p>Soweit nicht anders angegeben, stehen die Inhalte dieser Website unter CC BY-SA 4.0</p>
              <p>Unless otherwise noted, content on this site is licensed under CC BY 4.0.</p></div>
            """)
        #expect(cleaned.blocks.map(\.text) == [german(1), sentence, german(2), work])
    }
}
