/// A link inside a block of content: its text and where it leads.
public struct ContentLink: Sendable, Hashable {
    /// The link's text, white space folded.
    public var text: String
    /// The `href` as the page wrote it (relative or absolute).
    public var href: String

    public init(text: String, href: String) {
        self.text = text
        self.href = href
    }
}
