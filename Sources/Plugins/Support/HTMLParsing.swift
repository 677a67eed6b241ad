import CLibXML2

/// The one way `etl` parses HTML with libxml2: from text already decoded to UTF-8 (the fetchers
/// decode), with recovery on and errors, warnings and network access off.
enum HTMLParsing {
    /// Parses `html` and runs `body` with the document, which is freed afterwards; nil when libxml2
    /// returns no document (empty input). libxml2 pointers never leave `body`.
    static func withDocument<Result>(_ html: String, _ body: (htmlDocPtr) throws -> Result) rethrows -> Result? {
        var html = html
        return try html.withUTF8 { buffer -> Result? in
            guard let base = buffer.baseAddress, buffer.count > 0 else { return nil }
            // The text is UTF-8 already: say so, or libxml2 guesses Latin-1 (see the project's notes).
            let document = base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { pointer in
                htmlReadMemory(pointer, Int32(clamping: buffer.count), nil, "UTF-8", options)
            }
            guard let document else { return nil }
            defer { xmlFreeDoc(document) }
            return try body(document)
        }
    }

    /// The text of every node an XPath expression selects (attribute values for `…/@href`), in
    /// document order; empty for an expression libxml2 cannot evaluate.
    static func values(of xpath: String, in document: htmlDocPtr) -> [String] {
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

    static let options = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
                               | HTML_PARSE_NONET.rawValue | HTML_PARSE_COMPACT.rawValue)
}
