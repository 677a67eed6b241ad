import ETLHTML
import ETLKit
import ETLText

/// The `html` cleaner: parses the fetched document with libxml2, finds the main content, drops
/// boilerplate, and leaves ``Page`` (content blocks and page metadata) on the record.
public struct HTMLCleaner: Cleaner {
    public static let descriptor = PluginDescriptor(
        id: "html",
        kind: .cleaner,
        summary: "Finds the main content of an HTML page with libxml2 and drops menus, sidebars, share bars and comments.",
        discussion: """
            Scripts, styles, forms, figures and hidden elements are removed, and so are the page's header, \
            footer, navigation and asides when they hold under half of its prose (an unclosed tag can nest \
            a whole page in one); an article's own <header> stays. The container with the most prose (by \
            text and link density) is kept with its strong siblings, and the <article> around it when that \
            holds clearly more; link-heavy blocks, blocks inside elements named like chrome (comments, \
            share, related, sidebar, consent), labels of page furniture ("Related articles", "Mehr zum \
            Thema", "Foto: …", "Themen: …"), date and byline lines, captions that end with a "© …" credit, \
            headings that close the content with nothing kept after them and prompts to subscribe are \
            dropped, in the languages of the web pages etl is measured on. A main content that is a token (under 200 \
            characters) or named like chrome falls back to the page without its boilerplate; \
            `etl extract --explain` says so; one that shows under a quarter of the page's JSON-LD \
            `articleBody` (500+ characters: a page its scripts fill in) takes that text instead. Paragraphs, headings (with their level), list items, quotes, \
            captions and preformatted text come out as blocks of their kind, with their links; a data table as one block with its rows of cells. \
            Readers' comments are found (a site profile's comments selectors, else lists of items with a name, a date and a text \
            under an element named like comments or a comments heading, in the languages above and Persian) and kept apart, never in the \
            content: the article extractor writes them to comments. The page's kind is read too: a Q&A page \
            (a Q&A markup family's profile, schema.org QAPage/Question in JSON-LD or microdata), a forum thread \
            (a forum family's profile — XenForo, vBulletin — else at least 3 sibling posts each with a name, a date \
            and a text holding most of the page's prose, outside any comments place), a listing (mostly links to \
            other pages, no story-length paragraph), else an article. Text in <noscript> is \
            read (blog platforms put posts there). U+200C (ZWNJ), as the character or as &zwnj;, is kept.
            """,
        options: [Option.favor.spec, Option.minimumBlockLength.spec, Option.profiles.spec, Option.profileFiles.spec]
    )

    /// The options, each declared once (``OptionKey``).
    enum Option {
        static let favor: OptionKey<ContentSelection.Favor> = .choice(
            "favor", default: .balanced, "Keep borderline blocks (recall), drop them (precision), or weigh both (balanced).")
        static let minimumBlockLength: OptionKey<Int> = .integer(
            "minimumBlockLength", minimum: 0, maximum: 10_000, default: 0, "Drop content blocks shorter than this many characters (headings excepted).")
        static let profiles: OptionKey<Bool> = .boolean(
            "profiles", default: true,
            "Detect the built-in site profiles (Nastooh, IranSamaneh, Asam, …) by their markers and run their selectors; article uses what they find first.")
        static let profileFiles: OptionKey<[String]> = .strings(
            "profileFiles", "Your own site profiles (JSON files: detect + fields of selectors), checked before the built-in ones.")
    }

    let selection: ContentSelection
    let minimumBlockLength: Int
    /// Site profiles to detect, the user's first.
    let profiles: [SiteProfile]
    /// The class-name patterns with their class and id markers, looked for in one scan per element.
    let classPatterns: ClassHint.Patterns

    public init(options: PluginOptions) throws {
        selection = ContentSelection(favor: options[Option.favor])
        minimumBlockLength = options[Option.minimumBlockLength]
        var profiles: [SiteProfile] = []
        for path in options[Option.profileFiles] {
            do {
                profiles.append(try SiteProfile(file: path))
            } catch {
                throw OptionError(option: Option.profileFiles.name, error.description)
            }
        }
        if options[Option.profiles] {
            // A broken built-in profile would silently change what pages come out as: refuse to start.
            guard SiteProfile.builtinProblems.isEmpty else {
                throw OptionError(
                    option: Option.profiles.name,
                    "could not read the built-in site profiles: " + SiteProfile.builtinProblems.joined(separator: "; ")
                        + " (set \"profiles\": false to run without the built-in profiles)")
            }
            profiles += SiteProfile.builtins
        }
        self.profiles = profiles
        classPatterns = SiteProfile.classPatterns(for: profiles)
    }

    public func clean(_ record: Record, context: RunContext) async throws -> Record {
        guard let document = record.document else { throw HTMLCleanerError.noDocument(url: record.url) }
        // Bytes, not `String.contains`: Foundation's goes through NSString, at some 10 µs a call.
        if let mediaType = document.mediaType, !ByteSearch.contains(Array(mediaType.utf8), Self.html),
            !ByteSearch.contains(Array(mediaType.utf8), Self.xml)
        {
            throw HTMLCleanerError.notHTML(url: record.url, mediaType: mediaType)
        }
        var record = record
        let gate = context.services.value { LargePageGate() }
        record.page = try await gate.admit(document.text.utf8.count) { try page(from: document.text, url: record.url) }
        return record
    }

    private static let html = Array("html".utf8), xml = Array("xml".utf8)

    /// Parses HTML text and returns its cleaned page.
    public func page(from html: String, url: String) throws(HTMLCleanerError) -> Page {
        let analysis = try analyze(html, url: url)
        let decisions = selection.decide(analysis, explaining: false)
        var blocks = decisions.filter(\.kept).map(\.block)
        // Decisions come block for block (a JSON-LD body's paragraphs are added after them).
        let keptElements = zip(analysis.blocks, decisions).filter { $0.1.kept }.map(\.0.element)
        var metadata = analysis.metadata
        metadata.contentImages = ContentSelection.images(of: analysis, keptElements: keptElements)
        if minimumBlockLength > 0 {
            blocks.removeAll { $0.kind != .heading && $0.text.unicodeScalars.count < minimumBlockLength }
        }
        // The body in NFC, as the extractor's other texts (see `canonicallyComposed`).
        for index in blocks.indices where blocks[index].text.mayNeedComposition {
            blocks[index].text = blocks[index].text.canonicallyComposed
            blocks[index].rows = blocks[index].rows?.map { $0.map(\.canonicallyComposed) }
        }
        if metadata.kind == .article && PageKindDetector.isListing(analysis, content: blocks) { metadata.kind = .listing }
        return Page(blocks: blocks, metadata: metadata)
    }

    /// Every block of the page with what the cleaner did with it and why (`etl extract --explain`).
    public func explain(_ html: String, url: String) throws(HTMLCleanerError) -> [BlockDecision] {
        var decisions = selection.decide(try analyze(html, url: url))
        if minimumBlockLength > 0 {
            for index in decisions.indices
            where decisions[index].kept && decisions[index].block.kind != .heading
                && decisions[index].block.text.unicodeScalars.count < minimumBlockLength
            {
                decisions[index].kept = false
                decisions[index].reason = "shorter than minimumBlockLength (\(minimumBlockLength))"
            }
        }
        return decisions
    }

    private func analyze(_ html: String, url: String) throws(HTMLCleanerError) -> PageAnalysis {
        let parsed: PageAnalysis?
        do throws(ParseHalt) {
            parsed = try PageAnalysis.parsing(html, url: url, profiles: profiles, classPatterns: classPatterns)
        } catch {
            throw .incomplete(error)
        }
        guard let analysis = parsed else { throw .unparsable(url: url) }
        return analysis
    }
}
