import CLibXML2
import ETLKit
import ETLText

/// Finds a Q&A page's question and answers.
///
/// In this order: a site profile of a Q&A markup family (`question` and `answers` selectors, such
/// as the built-in `stackexchange`: `.question` and `.answer` with `.js-post-body`); schema.org in
/// JSON-LD (a `QAPage` whose `mainEntity` is a `Question`, or a `Question`, with its `text`,
/// `name`, `author.name`, `dateCreated`, `acceptedAnswer` and `suggestedAnswer`, each `Answer`
/// with its `upvoteCount`); schema.org microdata (`itemtype` …/Question and …/Answer,
/// `itemprop` `text`, `name`, `author`, `dateCreated`, `upvoteCount`, and an answer under
/// `itemprop="acceptedAnswer"` accepted). A page is a Q&A page when it has a question with a text;
/// the questions of an `FAQPage` (an article's FAQ block) do not count.
package struct QuestionAnswers: Sendable {
    package var question: PageQuestion
    package var answers: [PageAnswer]

    /// A Q&A markup family's selectors: the question's element and its parts, and the answers'
    /// (``CommentSelectors``' form, with `title` for the question, `acceptedClass` and `votes` for
    /// the answers).
    package struct Selectors: Sendable {
        var question: CommentSelectors
        var title: String?
        var answers: CommentSelectors
        /// A class word that marks the accepted answer's element.
        var acceptedClass: String?
        var votes: String?

        /// Reads a profile's `question` and `answers` objects; a bad selector is an error that names it.
        package init(question: [String: JSONValue], answers: [String: JSONValue]) throws(CSSSelector.SyntaxError) {
            self.question = try CommentSelectors(question)
            self.answers = try CommentSelectors(answers)
            func part(_ object: [String: JSONValue], _ key: String) throws(CSSSelector.SyntaxError) -> String? {
                guard let selector = object[key]?.stringValue else { return nil }
                return try CSSSelector(selector, relative: true).xpath
            }
            title = try part(question, "title")
            votes = try part(answers, "votes")
            acceptedClass = answers["acceptedClass"]?.stringValue?.lowercased()
        }
    }

    /// The question and answers of `analysis`'s page (`document` still alive), or nil.
    /// `mayHaveMicrodata`: the page's HTML names schema.org's Question (the microdata walk is skipped otherwise).
    package static func find(in analysis: PageAnalysis, document: htmlDocPtr, profile: SiteProfile?, mayHaveMicrodata: Bool) -> QuestionAnswers? {
        if let selectors = profile?.questionAnswers, let found = read(selectors, in: document) { return found }
        for script in analysis.metadata.jsonLD where ByteSearch.contains(script, question) {
            guard let root = try? JSONNodeParser.parse(script), let found = linkedData(root.value) else { continue }
            return found
        }
        guard mayHaveMicrodata else { return nil }
        return microdata(in: document)
    }

    private static let question = Array("Question".utf8)

    // MARK: Profile selectors

    private static func read(_ selectors: Selectors, in document: htmlDocPtr) -> QuestionAnswers? {
        guard let found = selectors.question.comments(in: document).first,
            let context = xmlXPathNewContext(document)
        else { return nil }
        defer { xmlXPathFreeContext(context) }
        func first(_ xpath: String?, below item: xmlNodePtr) -> String? {
            guard let xpath else { return nil }
            return CommentSelectors.nodes(xmlXPathNodeEval(item, xpath, context)).lazy.map(CommentSelectors.text).first { !$0.isEmpty }
        }
        let asked = found.comment
        let question = PageQuestion(title: first(selectors.title, below: found.node), author: asked.author, published: asked.published, text: asked.text)
        let answers = selectors.answers.comments(in: document).map { item, answer -> PageAnswer in
            let classes = CommentSelectors.attribute("class", of: item)?.lowercased().split(separator: " ") ?? []
            let accepted = selectors.acceptedClass.map { name in classes.contains { $0 == name } }
            let votes = selectors.votes.flatMap { xpath in
                CommentSelectors.nodes(xmlXPathNodeEval(item, xpath, context)).lazy.compactMap { node in
                    Int(CommentSelectors.attribute("data-value", of: node) ?? CommentSelectors.text(node))
                }.first
            }
            return PageAnswer(author: answer.author, published: answer.published, text: answer.text, accepted: accepted, votes: votes)
        }
        return QuestionAnswers(question: question, answers: answers)
    }

    // MARK: JSON-LD

    private static func linkedData(_ value: JSONValue) -> QuestionAnswers? {
        switch value {
        case .array(let values):
            return values.lazy.compactMap(linkedData).first
        case .object(let object):
            // An FAQ's questions are a page's furniture (an article's FAQ block), not a Q&A page.
            if JSONLDArticle.types(of: object).contains("faqpage") { return nil }
            if JSONLDArticle.types(of: object).contains("question"), let text = plain(object["text"]) ?? plain(object["name"]) {
                let question = PageQuestion(
                    title: object["text"] != nil ? plain(object["name"]) : nil, author: name(object["author"]),
                    published: (object["dateCreated"] ?? object["datePublished"])?.stringValue, text: text)
                var answers: [PageAnswer] = []
                for (key, accepted) in [("acceptedAnswer", true), ("suggestedAnswer", false)] {
                    for item in list(object[key]) {
                        guard let answer = item.objectValue, let text = plain(answer["text"]) else { continue }
                        answers.append(
                            PageAnswer(
                                author: name(answer["author"]), published: (answer["dateCreated"] ?? answer["datePublished"])?.stringValue,
                                text: text, accepted: accepted,
                                votes: answer["upvoteCount"]?.integerValue ?? answer["upvoteCount"]?.stringValue.flatMap { Int($0) }))
                    }
                }
                return QuestionAnswers(question: question, answers: answers)
            }
            for key in ["mainEntity", "@graph"] {
                if let inner = object[key], let found = linkedData(inner) { return found }
            }
            return nil
        default:
            return nil
        }
    }

    private static func list(_ value: JSONValue?) -> [JSONValue] {
        switch value {
        case .array(let values)?: return values
        case nil, .null?: return []
        case let value?: return [value]
        }
    }

    /// A person's name: a string, or an object's `name` (the first of a list).
    private static func name(_ value: JSONValue?) -> String? {
        JSONLDArticle.names(value).first.flatMap { plain(.string($0)) }
    }

    /// A text without its markup (JSON-LD `text` is often HTML; ``LinkedDataBody`` reads it as an
    /// `articleBody`'s), white space folded into one line; nil when empty.
    private static func plain(_ value: JSONValue?) -> String? {
        guard let text = value?.stringValue else { return nil }
        let folded = LinkedDataBody.paragraphs(of: text).joined(separator: " ")
        return folded.isEmpty ? nil : folded
    }

    // MARK: Microdata

    private static func microdata(in document: htmlDocPtr) -> QuestionAnswers? {
        guard let context = xmlXPathNewContext(document) else { return nil }
        defer { xmlXPathFreeContext(context) }
        func nodes(_ xpath: String, below node: xmlNodePtr? = nil) -> [xmlNodePtr] {
            if let node { return CommentSelectors.nodes(xmlXPathNodeEval(node, xpath, context)) }
            return CommentSelectors.nodes(xmlXPathEvalExpression(xpath, context))
        }
        // A property of `item` itself, not of an item nested in it.
        func property(_ name: String, of item: xmlNodePtr) -> xmlNodePtr? {
            nodes(".//*[@itemprop='\(name)']", below: item).first { owner(of: $0) == item }
        }
        func value(_ name: String, of item: xmlNodePtr) -> String? {
            guard let node = property(name, of: item) else { return nil }
            if let content = CommentSelectors.attribute("content", of: node) { return content }
            // An item of its own (the author as a Person): its name.
            if xmlHasProp(node, "itemscope") != nil { return value("name", of: node) }
            return CommentSelectors.date(of: node)
        }
        // An FAQ's questions (inside a FAQPage item) are a page's furniture, not a Q&A page.
        guard let item = nodes("//*[@itemscope][contains(@itemtype, 'schema.org/Question')][not(ancestor::*[contains(@itemtype, 'FAQPage')])]").first,
            let text = value("text", of: item)
        else {
            return nil
        }
        let question = PageQuestion(title: value("name", of: item), author: value("author", of: item), published: value("dateCreated", of: item), text: text)
        var answers: [PageAnswer] = []
        for answer in nodes("//*[@itemscope][contains(@itemtype, 'schema.org/Answer')]") {
            guard let text = value("text", of: answer) else { continue }
            let accepted = CommentSelectors.attribute("itemprop", of: answer)?.lowercased().contains("acceptedanswer") ?? false
            answers.append(
                PageAnswer(
                    author: value("author", of: answer), published: value("dateCreated", of: answer), text: text, accepted: accepted,
                    votes: value("upvoteCount", of: answer).flatMap { Int($0) }))
        }
        return QuestionAnswers(question: question, answers: answers)
    }

    /// The nearest item scope above a property's element.
    private static func owner(of node: xmlNodePtr) -> xmlNodePtr? {
        var current = node.pointee.parent
        while let element = current, element.pointee.type == XML_ELEMENT_NODE {
            if xmlHasProp(element, "itemscope") != nil { return element }
            current = element.pointee.parent
        }
        return nil
    }
}
