/// The names of the article record's fields: what the `article` extractor writes and the other
/// steps and sinks read (the `persian` transform's default fields, the `sqlite` sink's default
/// columns, the text sink's layout). One spelling of each, so that a renamed field cannot leave a
/// reader behind.
public enum ArticleField {
    public static let url = "url"
    public static let title = "title"
    public static let pretitle = "pretitle"
    public static let lead = "lead"
    public static let body = "body"
    public static let published = "published"
    public static let modified = "modified"
    public static let authors = "authors"
    public static let category = "category"
    public static let tags = "tags"
    public static let newsId = "newsId"
    public static let site = "site"
    public static let language = "language"
    public static let canonicalUrl = "canonicalUrl"
    public static let images = "images"
    public static let tables = "tables"
    public static let profile = "profile"
    /// Readers' comments: `[{"author", "published", "text"}]`, never part of `body`.
    public static let comments = "comments"
    /// The body's blocks with their type: `[{"type", "text", "level"?, "links"?, "rows"?}]`.
    public static let blocks = "blocks"
    /// What the page is: `article`, `thread`, `qa` or `listing` (see ``PageKind``).
    public static let pageKind = "pageKind"
    /// A thread's posts: `[{"author", "published", "text"}]`, the first post included.
    public static let posts = "posts"
    /// A Q&A page's question `{"title"?, "author"?, "published"?, "text"}` and answers
    /// `[{"author", "published", "text", "accepted"?, "votes"?}]`.
    public static let question = "question"
    public static let answers = "answers"

    /// The fields of the article itself, in the order they are documented: the `sqlite` sink's default columns.
    public static let columns = [
        url, title, pretitle, lead, body, published, modified, authors, category, tags, newsId, site, language,
        canonicalUrl, images,
    ]
    /// The fields that hold the article's prose: what text normalisation works on by default.
    public static let prose = [title, pretitle, lead, body]
}
