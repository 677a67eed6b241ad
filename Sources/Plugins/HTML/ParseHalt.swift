import CLibXML2
import ETLKit

/// libxml2 stopped reading a document before its end, so the tree it built is not the whole
/// document and is not used: a page is never cut silently.
///
/// libxml2 halts (rather than recovers) on its hard limits and on what it refuses to do: a text
/// node over its size limit, nesting deeper than its depth limit, an entity reference loop or an
/// entity expansion out of proportion to the document (a "billion laughs"), or memory it could not
/// get. With recovery on, ordinary markup errors never halt it.
public struct ParseHalt: Error, Sendable, CustomStringConvertible {
    /// The document's URL.
    public var url: String
    /// The line libxml2 had reached, 0 when it did not say.
    public var line: Int
    /// libxml2's message ("xmlSAX2Characters: huge text node", "Detected an entity reference loop").
    public var message: String

    public init(url: String, line: Int, message: String) {
        self.url = url
        self.line = line
        self.message = message
    }

    /// The halt of a parse that has just ended with `context`, or nil when libxml2 read to the end.
    /// libxml2 marks a halt by switching its callbacks off (`disableSAX`), which recovery mode never
    /// does for markup errors; its last error says why.
    package init?(context: xmlParserCtxtPtr, url: String) {
        guard context.pointee.disableSAX != 0 else { return nil }
        let error = context.pointee.lastError
        let message = error.message.map { String(cString: $0).trimmingWhitespace() } ?? ""
        self.init(url: url, line: Int(error.line), message: message.isEmpty ? "libxml2 error \(error.code)" : message)
    }

    public var description: String {
        "libxml2 stopped reading \(url)\(line > 0 ? " at line \(line)" : ""): \(message); the document is refused rather than cut"
    }
}
