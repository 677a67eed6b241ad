import ETLHTML
import ETLKit
import ETLText
import Testing

/// The walk's bookkeeping, which its speed-ups (eight bytes counted at a time, totals added up the
/// tree after the walk, class names read once, tags from a small hash table, a parse without
/// comments and without libxml2's UTF-8 converter) must leave as a plain reading of the page says.
@Suite struct PageAnalysisTests {
    func analysis(_ body: String, head: String = "") throws -> PageAnalysis {
        let html = "<!DOCTYPE html><html><head><meta charset=\"windows-1256\">\(head)</head><body>\(body)</body></html>"
        return try #require(try PageAnalysis.parsing(html, url: "https://example.com/a", profiles: [], classPatterns: ClassHint.standardPatterns))
    }

    /// Characters as the record counts them: Unicode scalars of the folded text.
    func scalars(_ text: String) -> Int { text.unicodeScalars.count }

    @Test func blocksCountTheCharactersAndSeparatorsOfLongLatinRunsAndOfOtherScripts() throws {
        // Runs longer than eight bytes, with the separators and spaces at every offset of a word.
        let texts = [
            "abcdefghijklmnopqrstuvwxyz,abcdefgh;abcdefghijklmnop,q r s",
            "Internationalization;localization,globalization  and\tthe\u{00A0}rest.",
            "x,yyyyyyyyyyyyyyy;zzzzzzzzzzzzzzzzzzzzzzz,",
            "سلام، دنیا؛ این یک متن فارسی است، با ویرگول‌ها و نیم‌فاصله",
            "混合的文本，带有中文标点、和ASCIIwordsthatrunlongerthaneight,bytes",
        ]
        let page = try analysis(texts.map { "<p>\($0)</p>" }.joined())
        let blocks = page.blocks.filter { $0.kind == .paragraph }
        #expect(blocks.count == texts.count)
        for (block, text) in zip(blocks, texts) {
            let folded = PageAnalysis.fold(text)
            #expect(block.text == folded)
            #expect(block.characters == scalars(folded), "\(text)")
            let separators = folded.unicodeScalars.filter { ",;،؛，、".unicodeScalars.contains($0) }.count
            #expect(block.separators == separators, "\(text)")
        }
    }

    @Test func foldAgreesWithFoldingScalarByScalar() {
        func reference(_ text: String) -> String {
            text.unicodeScalars.split(whereSeparator: PageAnalysis.isSpace).map { String(String.UnicodeScalarView($0)) }.joined(separator: " ")
        }
        let texts = [
            "", " ", "a", "a b", " a", "a ", "a  b", "a\tb", "a\nb", "a\u{00A0}b", "a\u{2009}b", "a\u{3000}b",
            "already clean text of a meta tag", "  leading and trailing  ", "zero\u{200C}width non-joiner stays",
            "mixed \u{00A0} \t runs\n\n of  space", "end with one space ", "فارسی  با\u{00A0}فاصله",
        ]
        for text in texts {
            #expect(PageAnalysis.fold(text) == reference(text), "\(text.debugDescription)")
        }
    }

    @Test func elementsHoldTheCharactersOfTheBlocksBelowThemAndNotRemovedText() throws {
        let page = try analysis(
            """
            <div id="outer"><div id="inner"><p>One two three four.</p><p>Five <a href="/x">six seven</a>.</p></div>
            <nav><a href="/y">Home</a></nav><p>Eight nine.</p></div>
            """)
        for (index, element) in page.elements.enumerated() where element.tag == .div || element.tag == .body {
            // What a walk up from each counted block to the root gives.
            var expected = 0
            var expectedLinks = 0
            for block in page.blocks where block.removedBy == nil && !block.isScriptNotice {
                var current = block.element
                while current >= 0 {
                    if current == Int32(index) {
                        expected += block.characters
                        expectedLinks += block.linkCharacters
                        break
                    }
                    current = page.elements[Int(current)].parent
                }
            }
            #expect(element.characters == expected)
            #expect(element.linkCharacters == expectedLinks)
        }
        let outer = try #require(page.elements.first { String(decoding: $0.names, as: UTF8.self) == "outer" })
        #expect(outer.characters == scalars("One two three four.") + scalars("Five six seven.") + scalars("Eight nine."))
    }

    @Test func tagsAreFoundInAnyCaseAndUnknownOnesAreOther() throws {
        let page = try analysis("<DIV><Section><BLOCKQUOTE>q</BLOCKQUOTE><FigCaption>c</FigCaption><my-widget>w</my-widget><Span>s</Span></Section></DIV>")
        let tags = page.elements.map(\.tag)
        for tag in [HTMLTag.div, .section, .blockquote, .figcaption, .span, .other] { #expect(tags.contains(tag), "\(tag)") }
    }

    @Test func repeatedClassNamesReadAsTheFirstTime() {
        var memo = ClassHint.Memo(patterns: ClassHint.standardPatterns)
        let names = ["post-comments", "entry-content", "menu-item menu-item-type-post_type", "sidebar", "x", "article-body main"]
        for round in 0..<3 {
            for name in names {
                let bytes = Array(name.utf8)
                let memoised = memo.read(bytes)
                let direct = ClassHint.read(bytes)
                #expect(memoised.hint == direct.hint, "\(name), round \(round)")
                #expect(memoised.namesComments == direct.namesComments && memoised.isBreadcrumb == direct.isBreadcrumb)
            }
        }
        // Many distinct names through the 256 slots: collisions only cost a scan.
        for number in 0..<2000 {
            let bytes = Array("widget-\(number) related-\(number % 7)".utf8)
            #expect(memo.read(bytes).hint == ClassHint.read(bytes).hint)
        }
    }

    @Test func theParseReadsTheTextAsUTF8WhateverTheMetaSays() throws {
        // The meta tag says windows-1256; the text is a decoded Swift string and must stay as it is.
        let page = try analysis("<p>Ünïcödé — «سلام» <!-- an ad slot --> 文字</p>")
        let text = try #require(page.blocks.first { $0.kind == .paragraph }?.text)
        #expect(text == "Ünïcödé — «سلام» 文字")
    }
}
