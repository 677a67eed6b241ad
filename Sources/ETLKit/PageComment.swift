/// One reader's comment, as the cleaner found it in the page's comment section: who wrote it, when,
/// and what. Texts are as the page shows them; the `article` extractor reads the date.
public struct PageComment: Sendable, Hashable {
    /// The commenter's name, when the comment shows one.
    public var author: String?
    /// The comment's date as written («۱۴۰۳/۰۵/۱۲ - ۱۰:۳۰», "March 10, 2024 at 9:00 am"), or the
    /// `datetime` of its `<time>` element when it has one.
    public var published: String?
    /// The comment's text: its paragraphs separated by a blank line.
    public var text: String

    public init(author: String?, published: String?, text: String) {
        self.author = author
        self.published = published
        self.text = text
    }
}
