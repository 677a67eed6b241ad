/// The question of a Q&A page, as the cleaner found it. Texts are as the page shows them; the
/// `article` extractor reads the date.
public struct PageQuestion: Sendable, Hashable {
    /// The question's title, when the page gives one apart from its text.
    public var title: String?
    /// Who asked it, when the page shows a name.
    public var author: String?
    /// When it was asked, as written or as a `datetime`/ISO 8601 value.
    public var published: String?
    /// The question's text: its paragraphs separated by a blank line.
    public var text: String

    public init(title: String?, author: String?, published: String?, text: String) {
        self.title = title
        self.author = author
        self.published = published
        self.text = text
    }
}
