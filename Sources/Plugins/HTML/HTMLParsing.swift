import CLibXML2
import ETLKit

/// The one way `etl` parses HTML with libxml2: from text already decoded to UTF-8 (the fetchers
/// decode), with recovery on and errors, warnings and network access off.
package enum HTMLParsing {
    /// Parses `html` and runs `body` with the document, which is freed afterwards; nil when libxml2
    /// returns no document (empty input). libxml2 pointers never leave `body`.
    ///
    /// - Parameter checkingDepth: false when `body` walks the whole tree anyway and refuses it
    ///   deeper than ``maxDepth`` on the way (``PageAnalysis``): a walk of its own to check the
    ///   depth first was about 0.8% of the cleaner's time.
    /// - Throws: ``ParseHalt`` when libxml2 stopped before the end of the page (a limit it keeps
    ///   even with ``options``), or when elements nest deeper than ``maxDepth``: the page is
    ///   refused, never used cut.
    package static func withDocument<Result>(
        _ html: String, url: String, checkingDepth: Bool = true, _ body: (htmlDocPtr) throws(ParseHalt) -> Result
    ) throws(ParseHalt) -> Result? {
        var html = html
        // A context over a copy of the bytes, its options set and its charset said to be UTF-8 before
        // the parse: `htmlCtxtReadMemory` with "UTF-8" ran the whole page through libxml2's
        // UTF-8-to-UTF-8 converter first, a copy and a check the text (a Swift string) never needs;
        // without an encoding it guessed Latin-1 (see the project's notes). IGNORE_ENC keeps a
        // `<meta charset>` from switching: the fetchers decoded the page already.
        let created = html.withUTF8 { buffer -> htmlParserCtxtPtr? in
            guard let base = buffer.baseAddress, buffer.count > 0 else { return nil }
            return base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { htmlCreateMemoryParserCtxt($0, Int32(clamping: buffer.count)) }
        }
        guard let context = created else {
            if html.isEmpty { return nil }
            throw ParseHalt(url: url, line: 0, message: "no memory for a parser")
        }
        defer { htmlFreeParserCtxt(context) }
        _ = htmlCtxtUseOptions(context, options | Int32(HTML_PARSE_IGNORE_ENC.rawValue))
        context.pointee.charset = Int32(XML_CHAR_ENCODING_UTF8.rawValue)
        // No table of `id` attributes (libxml2 registers every `id` and `name` value for XPath's
        // `id()`, which no part of etl calls; CSS `#id` reads the attribute): about 1% of a parse.
        context.pointee.loadsubset |= XML_SKIP_IDS
        // No nodes for HTML comments (`<!-- ad slot -->`, some 40 a page): nothing of etl reads them,
        // and building and freeing them was 0.6% of a parse.
        context.pointee.sax.pointee.comment = nil
        _ = htmlParseDocument(context)
        let document = context.pointee.myDoc
        context.pointee.myDoc = nil
        guard let document else { return nil }
        defer {
            xmlFreeDoc(document)
            // A large page's tree (tens of times the page) goes back to the system at once: the
            // allocator keeps freed memory (jemalloc for seconds, glibc in the arena of the thread
            // that built it), so without this a run over large pages holds several trees' worth.
            if html.utf8.count >= largePage { etl_release_freed_memory() }
        }
        if let halt = ParseHalt(context: context, url: url) { throw halt }
        if checkingDepth, let root = xmlDocGetRootElement(document), depth(below: root) > maxDepth { throw tooDeep(url: url) }
        return try body(document)
    }

    /// The reason a page whose elements nest deeper than ``maxDepth`` is refused.
    package static func tooDeep(url: String) -> ParseHalt {
        ParseHalt(url: url, line: 0, message: "elements nest deeper than \(maxDepth) levels (unclosed tags?)")
    }

    /// The deepest nesting of elements a page may have. With HUGE libxml2 sets no depth limit of
    /// its own (without it: 256, and the rest of the page was dropped), but the cleaner walks the
    /// tree recursively, and a page of thousands of unclosed `<div>`s would overflow a task's stack
    /// (a debug build crashed at 2000 levels). Twice the old limit keeps pages whose unclosed
    /// `<font>` or `<span>` tags pile up; deeper ones are refused with this reason.
    package static let maxDepth = 512

    /// Pages from this size on (bytes) have their tree's memory handed back to the system when it
    /// is freed (`etl_release_freed_memory`, see the C shim): a 4 MB page's tree is over 100 MB; trimming after every small page
    /// would cost more than it saves.
    package static let largePage = 4 << 20

    /// How many levels of elements `root` and its descendants span, found without recursion.
    package static func depth(below root: xmlNodePtr) -> Int {
        var node = root
        var depth = 1
        var deepest = 1
        while true {
            if node.pointee.type == XML_ELEMENT_NODE, let child = node.pointee.children {
                node = child
                depth += 1
                deepest = max(deepest, depth)
                continue
            }
            while node.pointee.next == nil {
                guard depth > 1, let parent = node.pointee.parent else { return deepest }
                node = parent
                depth -= 1
            }
            guard depth > 1, let next = node.pointee.next else { return deepest }
            node = next
        }
    }

    /// The text of every node an XPath expression selects (attribute values for `…/@href`), in
    /// document order; empty for an expression libxml2 cannot evaluate.
    package static func values(of xpath: String, in document: htmlDocPtr) -> [String] {
        guard let context = xmlXPathNewContext(document) else { return [] }
        defer { xmlXPathFreeContext(context) }
        guard let result = xmlXPathEvalExpression(xpath, context) else { return [] }
        defer { xmlXPathFreeObject(result) }
        guard let nodes = result.pointee.nodesetval, let table = nodes.pointee.nodeTab else { return [] }
        return (0..<Int(nodes.pointee.nodeNr)).compactMap { index in
            guard let node = table[index], let content = xmlNodeGetContent(node) else { return nil }
            defer { etl_xml_free(content) }
            return String(cString: content)
        }
    }

    /// HUGE lifts libxml2's 10,000,000-byte limit on a text node (and its nesting depth from 256
    /// to 2048): without it a longer paragraph was cut there and the rest of the page dropped. The
    /// page's size stays capped by the fetcher's `maxBytes`. HUGE is safe for HTML: the HTML parser
    /// reads no DTD and defines no entities, so there is nothing to expand (entity bombs are an XML
    /// matter; ``XMLParsing`` parses without HUGE). libxml2 2.9 has no `HTML_PARSE_HUGE`; its
    /// HTML parser takes `XML_PARSE_HUGE`, the same bit as the later `HTML_PARSE_HUGE`.
    package static let options = Int32(
        HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
            | HTML_PARSE_NONET.rawValue | HTML_PARSE_COMPACT.rawValue | XML_PARSE_HUGE.rawValue)
}
