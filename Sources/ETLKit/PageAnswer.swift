/// One answer of a Q&A page, as the cleaner found it.
public struct PageAnswer: Sendable, Hashable {
    /// Who answered, when the page shows a name.
    public var author: String?
    /// When, as written or as a `datetime`/ISO 8601 value.
    public var published: String?
    /// The answer's text: its paragraphs separated by a blank line.
    public var text: String
    /// Whether the page marks it as the accepted answer; nil when the page does not say.
    public var accepted: Bool?
    /// Its votes (score), when the page shows them.
    public var votes: Int?

    public init(author: String?, published: String?, text: String, accepted: Bool? = nil, votes: Int? = nil) {
        self.author = author
        self.published = published
        self.text = text
        self.accepted = accepted
        self.votes = votes
    }
}
