import CLibXML2
import ETLKit
import ETLText
import Glibc

/// Reads one element as a reader's comment: its lines, each with the part its element's name says
/// it is, then the author, the date and the text (see ``CommentSection``).
enum CommentReader {
    /// What an element's class or id says a line inside it is.
    enum Part: UInt8 { case none, author, date, text, action }

    /// One line of a comment: text between block boundaries, or between elements of different parts.
    struct Line {
        var text: String
        var part: Part
        /// The `datetime` of the `<time>` element it sits in.
        var datetime: String?
        /// All of its text is inside links: a headline or a name, never a comment's text.
        var isLink = false
    }

    /// The comment `node` holds, or nil when it does not read as one: a date and a text of at least
    /// `minimumWords` words, and a name when `requireAuthor`. Elements of `signature` inside it are
    /// replies, read on their own.
    static func read(_ node: xmlNodePtr, signature: CommentSection.Signature, requireAuthor: Bool, minimumWords: Int = 1) -> PageComment? {
        // Most groups the detector tries are not comments: a subtree without a digit has no date.
        guard mayHoldDate(node) else { return nil }
        var reader = LineCollector(signature: signature)
        reader.visit(node, part: .none, owner: Int(bitPattern: node), datetime: nil, isRoot: true)
        reader.endLine()
        let lines = reader.lines.filter { !isAction($0) }
        guard !lines.isEmpty, lines.count <= 200 else { return nil }
        let dates = ArticleDate(timeZone: nil)
        func isDate(_ line: Line) -> Bool {
            line.datetime != nil || (line.text.utf8.count <= 120 && WrittenDate.hasEnoughDigits(line.text) && dates.normalize(line.text) != nil)
        }
        let dateIndex = lines.firstIndex { $0.part == .date && isDate($0) } ?? lines.firstIndex { $0.part != .text && $0.text.utf8.count <= 80 && isDate($0) }
        guard let dateIndex else { return nil }
        // Two dated bylines: a list of comments (the replies of another markup), not one.
        let bylines = lines.count { ($0.part == .date || $0.datetime != nil || ($0.part != .text && $0.text.utf8.count <= 40)) && isDate($0) }
        guard bylines <= 1 else { return nil }
        let named = lines.indices.first { $0 != dateIndex && lines[$0].part == .author && isName(lines[$0].text) }
        var textIndices = lines.indices.filter { $0 != dateIndex && $0 != named && lines[$0].part == .text && !lines[$0].isLink }
        let author: Int?
        if let named {
            author = named
        } else {
            // The first short line before the text.
            let firstText = textIndices.first ?? lines.count
            author = lines.indices.first { $0 < firstText && $0 != dateIndex && lines[$0].part != .date && isName(lines[$0].text) && !isDate(lines[$0]) }
        }
        if textIndices.isEmpty {
            textIndices = lines.indices.filter { $0 != dateIndex && $0 != author && lines[$0].part != .date && lines[$0].part != .author && !lines[$0].isLink }
        }
        let text = textIndices.map { lines[$0].text }.joined(separator: "\n\n")
        guard text.unicodeScalars.contains(where: { $0.properties.isAlphabetic }),
            minimumWords <= 1 || text.split(separator: " ").count >= minimumWords
        else { return nil }
        let name = author.map { strippingSays(lines[$0].text) }
        guard !requireAuthor || name != nil else { return nil }
        return PageComment(author: name, published: lines[dateIndex].datetime ?? lines[dateIndex].text, text: text)
    }

    /// A comment text's paragraphs, white space folded in each, joined by blank lines: every block
    /// element (`<p>`, `<div>`, `<li>`…) ends a paragraph, so `<p>a</p><p>b</p>` is "a\n\nb", not "ab".
    static func paragraphs(_ node: xmlNodePtr) -> String {
        var paragraphs: [String] = []
        var bytes: [UInt8] = []
        func end() {
            let text = PageAnalysis.fold(String(decoding: bytes, as: UTF8.self))
            if !text.isEmpty { paragraphs.append(text) }
            bytes.removeAll(keepingCapacity: true)
        }
        func visit(_ node: xmlNodePtr) {
            var child = node.pointee.children
            while let current = child {
                defer { child = current.pointee.next }
                switch current.pointee.type {
                case XML_ELEMENT_NODE:
                    let tag = HTMLTag(name: current.pointee.name)
                    switch tag {
                    case .script, .style, .template, .svg, .noscript: continue
                    default: break
                    }
                    if tag.isBlock { end() }
                    visit(current)
                    if tag.isBlock { end() }
                case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                    guard let content = current.pointee.content else { continue }
                    let length = strlen(UnsafeRawPointer(content).assumingMemoryBound(to: CChar.self))
                    bytes.append(contentsOf: UnsafeBufferPointer(start: content, count: length))
                default:
                    break
                }
            }
        }
        visit(node)
        end()
        return paragraphs.joined(separator: "\n\n")
    }

    /// Whether a subtree has a `<time>` element or a digit (ASCII, Persian or Arabic-Indic) in its text.
    private static func mayHoldDate(_ node: xmlNodePtr) -> Bool {
        var child = node.pointee.children
        while let current = child {
            defer { child = current.pointee.next }
            switch current.pointee.type {
            case XML_ELEMENT_NODE:
                let tag = HTMLTag(name: current.pointee.name)
                if tag == .time { return true }
                if tag != .script && tag != .style && mayHoldDate(current) { return true }
            case XML_TEXT_NODE:
                guard let text = current.pointee.content else { continue }
                var index = 0
                while text[index] != 0 {
                    let byte = text[index]
                    if byte >= 0x30 && byte <= 0x39 { return true }
                    // U+06F0–06F9 (DB B0–B9) and U+0660–0669 (D9 A0–A9).
                    if (byte == 0xDB && text[index + 1] >= 0xB0 && text[index + 1] <= 0xB9)
                        || (byte == 0xD9 && text[index + 1] >= 0xA0 && text[index + 1] <= 0xA9)
                    {
                        return true
                    }
                    index += 1
                }
            default:
                break
            }
        }
        return false
    }

    /// Whether class or id names the element like comments, in the words ``ClassHint`` knows.
    static func namesComment(_ node: xmlNodePtr) -> Bool {
        let names = Attributes(node: node).names
        guard !names.isEmpty else { return false }
        let reading = ClassHint.read(names)
        return reading.namesComments || reading.namesCommentsElsewhere
    }

    /// A short line that can be a name: up to 60 characters and 6 words, with a letter.
    private static func isName(_ text: String) -> Bool {
        let stripped = strippingSays(text)
        return !stripped.isEmpty && stripped.unicodeScalars.count <= 60 && stripped.split(separator: " ").count <= 6
            && stripped.unicodeScalars.contains { $0.properties.isAlphabetic }
    }

    /// "Anna says:" → "Anna": the verb some templates print after the name.
    private static func strippingSays(_ text: String) -> String {
        var words = text.split(separator: " ")
        while let last = words.last, words.count > 1, says.contains(last.lowercased().trimmingCharacters(in: [":", "،", ","])) {
            words.removeLast()
        }
        var name = words.joined(separator: " ")
        while let last = name.unicodeScalars.last, last == ":" || last == "،" || last == "," || last == "-" || last == " " {
            name.unicodeScalars.removeLast()
        }
        return name
    }

    private static let says: Set<String> = [
        "says", "said", "wrote", "sagt", "schreibt", "dice", "dit", "écrit", "escribió", "pisze", "میگوید", "می‌گوید", "گفت",
    ]

    /// Buttons and counters: "Reply", «پاسخ», "Like (3)", a line of digits.
    private static func isAction(_ line: Line) -> Bool {
        if line.part == .action { return true }
        guard line.part != .date, line.datetime == nil, line.text.unicodeScalars.count <= 30 else { return false }
        let letters = String(String.UnicodeScalarView(line.text.unicodeScalars.filter { $0.properties.isAlphabetic || $0 == " " || $0 == "\u{200C}" }))
        let key = letters.lowercased().trimmingWhitespace()
        // Without letters, a short line is a counter ("12", "(3)"); a longer one may be a date.
        return (key.isEmpty && line.text.unicodeScalars.count <= 8) || actions.contains(key) || says.contains(key)
    }

    private static let actions: Set<String> = [
        "reply", "replies", "like", "likes", "dislike", "report", "share", "quote", "antworten", "melden", "répondre", "signaler",
        "responder", "responder a", "odpowiedz", "rispondi", "cancel reply", "log in to reply", "پاسخ", "پاسخ دادن", "پاسخ به این نظر",
        "پاسخ به این دیدگاه", "لغو پاسخ", "گزارش", "رد", "قبول", "موافق", "مخالف", "ردّ", "رد کردن", "تعليق", "رد على",
    ]

    /// Gathers an element's lines.
    private struct LineCollector {
        let signature: CommentSection.Signature
        var lines: [Line] = []
        var bytes: [UInt8] = []
        var part = Part.none
        var owner = 0
        var datetime: String?
        /// Non-space bytes of the line, and how many of them are inside links.
        var textBytes = 0
        var linkBytes = 0

        init(signature: CommentSection.Signature) {
            self.signature = signature
        }

        mutating func endLine() {
            let text = PageAnalysis.fold(String(decoding: bytes, as: UTF8.self))
            bytes.removeAll(keepingCapacity: true)
            if !text.isEmpty { lines.append(Line(text: text, part: part, datetime: datetime, isLink: linkBytes == textBytes)) }
            textBytes = 0
            linkBytes = 0
        }

        mutating func visit(
            _ node: xmlNodePtr, part inherited: Part, owner inheritedOwner: Int, datetime inheritedDatetime: String?, inLink inheritedInLink: Bool = false,
            isRoot: Bool
        ) {
            let tag = HTMLTag(name: node.pointee.name)
            switch tag {
            case .script, .style, .template, .svg, .form, .button, .textarea, .select, .input, .noscript, .img, .iframe: return
            default: break
            }
            let attributes = Attributes(node: node)
            if attributes.isHidden { return }
            // A reply inside: read on its own.
            if !isRoot && signature.matches(node) { return }
            var part = inherited
            var owner = inheritedOwner
            var datetime = inheritedDatetime
            let named = CommentReader.part(of: attributes.names, tag: tag)
            if named != .none {
                part = named
                owner = Int(bitPattern: node)
            }
            if tag == .time, let value = xmlGetProp(node, "datetime") {
                let text = String(cString: value).trimmingWhitespace()
                etl_xml_free(value)
                if !text.isEmpty { datetime = text }
                part = .date
                owner = Int(bitPattern: node)
            }
            let inLink = inheritedInLink || tag == .a
            if tag.isBlock { endLine() }
            var child = node.pointee.children
            while let current = child {
                defer { child = current.pointee.next }
                switch current.pointee.type {
                case XML_ELEMENT_NODE:
                    visit(current, part: part, owner: owner, datetime: datetime, inLink: inLink, isRoot: false)
                case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                    guard let content = current.pointee.content else { continue }
                    let length = strlen(UnsafeRawPointer(content).assumingMemoryBound(to: CChar.self))
                    let text = UnsafeBufferPointer(start: content, count: length)
                    // A line holds one part: text of another element named otherwise starts a new one.
                    if owner != self.owner && text.contains(where: { $0 > 0x20 }) {
                        endLine()
                        self.owner = owner
                    }
                    if bytes.isEmpty {
                        self.part = part
                        self.datetime = datetime
                    }
                    bytes.append(contentsOf: text)
                    let visible = text.count { $0 > 0x20 }
                    textBytes += visible
                    if inLink { linkBytes += visible }
                default:
                    break
                }
            }
            if tag.isBlock { endLine() }
        }
    }

    /// The part an element's names (lower-cased class and id) say its text is: the first group of
    /// ``partNames`` found, in this order (`comment-reply-link` is an action, `user-comment-date` a date).
    static func part(of names: [UInt8], tag: HTMLTag) -> Part {
        if tag == .time { return .date }
        guard !names.isEmpty else { return .none }
        let found = partNames.groups(in: names)
        if found & 1 != 0 { return .action }
        if found & 2 != 0 { return .date }
        if found & 4 != 0 { return .text }
        if found & 8 != 0 || ByteSearch.containsToken(names, where: { $0.elementsEqual(fn) }) { return .author }
        return .none
    }

    /// Words of class and id names, by part, looked for in one scan (bytes: `String.contains` went
    /// through Foundation, and this runs for every element of a comment section).
    private static let partNames = BytePatternSet(groups: [
        ["reply", "like", "vote", "rate", "report", "button", "action", "share"],
        ["date", "time", "when", "posted"],
        ["text", "content", "body", "message", "matn"],
        ["author", "autor", "name", "user", "nick"],
    ])
    private static let fn = Array("fn".utf8)
}
