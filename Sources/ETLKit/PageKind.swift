/// What a page is, as the `html` cleaner reads it and the `article` extractor writes it to
/// `pageKind`: a story, a forum thread, a question with its answers, or a list of links to other
/// pages. A page is an ``article`` unless it clearly reads as one of the others.
public enum PageKind: String, Sendable, Hashable, CaseIterable {
    /// One text: a news story, a blog post, any page with a main text (the default).
    case article
    /// A forum thread: a list of posts, each with an author, a date and a text (``PageMetadata/posts``).
    case thread
    /// A question and its answers (``PageMetadata/question``, ``PageMetadata/answers``).
    case qa
    /// A page whose main content is a list of links to other pages: a category page, a teaser list.
    case listing
}
