import ETLHTML
import ETLKit
import ETLText

/// The page-kind fields of the `article` extractor: `pageKind` on every record, `posts` on a
/// thread, `question` and `answers` on a Q&A page (see ``PageKind``).
extension ArticleExtractor {
    /// A post or an answer's `author`, `published` and `text` as JSON Schema properties.
    private static let signedText: [String: JSONValue] = ["author": FieldSpec.text, "published": FieldSpec.date, "text": ["type": "string"]]

    /// The fields' declarations, for `etl schema record`.
    static let pageKindFields: [FieldSpec] = [
        FieldSpec(
            ArticleField.pageKind, ["enum": .array(PageKind.allCases.map { .string($0.rawValue) })],
            "What the page is: article (the default), thread (a forum thread: posts), qa (a question and its answers: question, answers) or listing (a page whose main content is mostly links to other pages: a category page, a teaser list). The filter step's pageKind option keeps some kinds."
        ),
        FieldSpec(
            ArticleField.posts,
            ["type": "array", "items": ["type": "object", "required": ["author", "published", "text"], "properties": .object(signedText)]],
            "A thread's posts in page order, the first post included, each {author, published, text} as a comment's (dates read as published's, Jalali included; null when none). body is unchanged: the thread as the page shows it (the cleaner's content); the first post's text is posts[0].text. Absent on other kinds."
        ),
        FieldSpec(
            ArticleField.question,
            [
                "type": "object", "required": ["text"],
                "properties": .object(signedText.merging(["title": FieldSpec.text]) { first, _ in first }),
            ],
            "A Q&A page's question {title, author, published, text} (title, author and published null when the page does not show them). Absent on other kinds."
        ),
        FieldSpec(
            ArticleField.answers,
            [
                "type": "array",
                "items": [
                    "type": "object", "required": ["author", "published", "text"],
                    "properties": .object(signedText.merging(["accepted": ["type": "boolean"], "votes": ["type": "integer"]]) { first, _ in first }),
                ],
            ],
            "A Q&A page's answers in page order (from JSON-LD: the accepted answer first), each {author, published, text} and, when the page says, accepted (true for the accepted answer) and votes. Absent on other kinds."
        ),
    ]

    /// The page-kind fields of `meta`'s page, dates read with `dates`.
    static func pageKindValues(_ meta: PageMetadata, dates: ArticleDate) -> [String: JSONValue] {
        var fields: [String: JSONValue] = [ArticleField.pageKind: .string(meta.kind.rawValue)]
        switch meta.kind {
        case .thread:
            fields[ArticleField.posts] = comments(meta.posts, dates: dates)
        case .qa:
            if let question = meta.question {
                fields[ArticleField.question] = .object([
                    "title": text(question.title), "author": text(question.author),
                    "published": text(question.published.flatMap(dates.normalize)), "text": .string(question.text.canonicallyComposed),
                ])
            }
            fields[ArticleField.answers] = .array(
                meta.answers.map { answer in
                    var object: [String: JSONValue] = [
                        "author": text(answer.author), "published": text(answer.published.flatMap(dates.normalize)),
                        "text": .string(answer.text.canonicallyComposed),
                    ]
                    if let accepted = answer.accepted { object["accepted"] = .bool(accepted) }
                    if let votes = answer.votes { object["votes"] = .integer(votes) }
                    return .object(object)
                })
        case .article, .listing:
            break
        }
        return fields
    }

    private static func text(_ value: String?) -> JSONValue {
        guard let value, !value.isEmpty else { return .null }
        return .string(value.canonicallyComposed)
    }
}
