import ETLKit
import ETLText
import Foundation

/// The `category` transform: maps the site's own category (and its breadcrumb trail) onto a
/// taxonomy given as a JSON file, into the `taxonomy` field; `category` itself is kept as it was.
///
/// The taxonomy is hierarchical: a major kind of text (News, QA, Literature, Forum, Weblog,
/// SocialMedia, Doc) and, under it, a minor subject (Political, Economic, Sport, …), each with an
/// id and a Persian label. A Persian news taxonomy ships as the default (`persian-news-taxonomy.json`
/// among `ETLText`'s resources). See ``Taxonomy`` for the file's format and the matching rule.
public struct CategoryMapper: Transform {
    public static let descriptor = PluginDescriptor(
        id: "category",
        kind: .transform,
        summary: "Maps the site's category and breadcrumbs onto a taxonomy (major/minor with Persian labels) in `taxonomy`; `category` is kept.",
        discussion: """
            Texts are tried in order: each field of `fields` (a list field item by item), then the page's breadcrumb \
            trail (when the record still holds its cleaned page; the first crumb, home, and the title are left out), \
            from the most specific crumb to the least. The first text that maps decides. A text is cut into \
            segments at › ‹ > » / | \\ – —, and the last segment with a match decides (the most specific). Names and \
            texts are compared folded: Arabic ي ى ك as Persian ی ک, ZWNJs, diacritics and tatweel removed, digits as \
            ASCII, lower case, punctuation as a word break; a name matches whole words of the text, written joined \
            or apart («بین‌الملل», «بین الملل», «بينالملل»), anywhere in the segment («اخبار سیاسی», «ورزش جهان»). \
            Of several matches the longest name (in letters) wins, then the one nearer the start of the segment, \
            then the category listed first in the file. When nothing maps, `taxonomy` is null (unmapped: keep), \
            the record is dropped (drop), or the file's `other` category is written (other). The taxonomy file: \
            {"majors": {"News": "خبر", …}, "categories": [{"major": "News", "minor": "Political", "label": "سیاسی", \
            "names": ["سیاست", "Politics", …]}, …], "other": {"major": "News", "minor": "Other", "label": "سایر"}}; \
            a category's label and minor id are names too, and a category without a minor maps to its major alone.
            """,
        options: [Option.taxonomy.spec, Option.fields.spec, Option.breadcrumbs.spec, Option.unmapped.spec],
        fields: [
            FieldSpec(
                "taxonomy",
                [
                    "type": ["object", "null"],
                    "properties": [
                        "major": ["type": "string"],
                        "majorLabel": ["type": "string"],
                        "minor": ["type": ["string", "null"]],
                        "minorLabel": ["type": ["string", "null"]],
                        "matched": ["type": ["string", "null"]],
                        "from": ["type": ["string", "null"]],
                    ],
                    "required": ["major", "majorLabel", "minor", "minorLabel", "matched", "from"],
                ],
                """
                The category in the taxonomy: major and minor ids with their labels, the text that matched and the field \
                it came from ("breadcrumbs" for the trail); null when nothing maps.
                """
            )
        ]
    )

    /// What happens to a record none of whose texts maps.
    public enum Unmapped: String, Sendable, CaseIterable {
        /// The record is kept with `taxonomy` null.
        case keep
        /// The record is dropped.
        case drop
        /// The taxonomy's `other` category is written, with no matched text.
        case other
    }

    /// The options, each declared once (``OptionKey``).
    enum Option {
        static let taxonomy: OptionKey<String?> = .string(
            "taxonomy", "A taxonomy JSON file (see the discussion); the shipped Persian news taxonomy when not given.")
        static let fields: OptionKey<[String]> = .strings(
            "fields", default: [ArticleField.category], "The fields whose texts are mapped, in order; a list field (tags) item by item.")
        static let breadcrumbs: OptionKey<Bool> = .boolean(
            "breadcrumbs", default: true, "Also map the page's breadcrumb trail, after the fields, when the record still holds its cleaned page.")
        static let unmapped: OptionKey<Unmapped> = .choice(
            "unmapped", default: .keep, "When nothing maps: keep the record with taxonomy null, drop it, or write the file's other category.")
    }

    /// The name of the field written.
    public static let field = "taxonomy"
    /// The name of the shipped taxonomy among `ETLText`'s resources.
    public static let shippedName = "persian-news-taxonomy.json"

    /// The taxonomy mapped onto (the `taxonomy` option's file, else the shipped one).
    public let taxonomy: Taxonomy
    /// The fields whose texts are tried, in order.
    public let fields: [String]
    /// Whether the page's breadcrumb trail is tried after the fields.
    public let breadcrumbs: Bool
    /// What happens to a record none of whose texts maps.
    public let unmapped: Unmapped

    public init(options: PluginOptions) throws {
        if let path = options[Option.taxonomy] {
            taxonomy = try Taxonomy(contentsOf: path, option: Option.taxonomy.name)
        } else {
            taxonomy = try Self.shipped.get()
        }
        fields = options[Option.fields]
        breadcrumbs = options[Option.breadcrumbs]
        unmapped = options[Option.unmapped]
        if unmapped == .other && taxonomy.other == nil {
            throw OptionError(option: Option.unmapped.name, "is \"other\", but the taxonomy \(taxonomy.path) has no \"other\" category")
        }
    }

    /// The shipped Persian news taxonomy, read once; an error naming where it was looked for when
    /// the resource is missing.
    static let shipped: Result<Taxonomy, OptionError> = {
        guard let path = ResourceFiles.path(for: shippedName, of: "ETLText") else {
            let searched = ResourceFiles.searchPaths(for: shippedName, of: "ETLText").joined(separator: ", ")
            return .failure(OptionError(option: Option.taxonomy.name, "is not given and the shipped \(shippedName) is not in any of: \(searched)"))
        }
        do {
            return .success(try Taxonomy(contentsOf: path, option: Option.taxonomy.name))
        } catch let error as OptionError {
            return .failure(error)
        } catch {
            return .failure(OptionError(option: Option.taxonomy.name, "names \(path), which cannot be read (\(error))"))
        }
    }()

    public func apply(to record: Record, context: RunContext) async throws -> Record? {
        var record = record
        if let match = map(record) {
            record.fields[Self.field] = match.json
            return record
        }
        switch unmapped {
        case .keep:
            record.fields[Self.field] = .null
            return record
        case .drop:
            return nil
        case .other:
            record.fields[Self.field] = taxonomy.other.map { Taxonomy.Match(category: $0, matched: nil, from: nil).json } ?? .null
            return record
        }
    }

    /// The record's category in the taxonomy: the first of its texts that maps (see the descriptor).
    public func map(_ record: Record) -> Taxonomy.Match? {
        for field in fields {
            for text in Self.texts(record.fields[field]) {
                if let match = taxonomy.match(text, from: field) { return match }
            }
        }
        guard breadcrumbs, let trail = record.page?.metadata.breadcrumbs, trail.count > 1 else { return nil }
        let title = record.fields[ArticleField.title]?.stringValue.map(TextFold.fold)
        for crumb in trail.dropFirst().reversed() where crumb.unicodeScalars.count <= 60 && TextFold.fold(crumb) != title {
            if let match = taxonomy.match(crumb, from: "breadcrumbs") { return match }
        }
        return nil
    }

    /// The texts of a field's value: a string, or the strings of a list, in order.
    static func texts(_ value: JSONValue?) -> [String] {
        switch value {
        case .string(let text): return [text]
        case .array(let items): return items.compactMap(\.stringValue)
        default: return []
        }
    }
}

/// A category taxonomy read from a JSON file, and the matching of site categories onto it.
///
/// The file: `majors`, an object of major id → Persian label; `categories`, a list of objects each
/// with `major` (one of the majors), optionally `minor` (an id) with its `label`, and `names` (the
/// variants a site may write, Persian or English); optionally `other` (`major`, `minor`, `label`), the
/// fallback of `"unmapped": "other"`. A category's label and minor id count as names too. Two
/// categories may not share a name once folded. Every problem is reported with the file's path,
/// the JSON path and the line:column of the value at fault.
public struct Taxonomy: Sendable {
    /// One category: a major and, optionally, a minor, with their labels.
    public struct Category: Sendable, Equatable {
        /// The major's id (`News`).
        public var major: String
        /// The major's label (`خبر`).
        public var majorLabel: String
        /// The minor's id (`Political`), nil for a category of a major alone.
        public var minor: String?
        /// The minor's label (`سیاسی`), nil with the minor.
        public var minorLabel: String?
    }

    /// A text mapped onto a category.
    public struct Match: Sendable, Equatable {
        /// The category mapped onto.
        public var category: Category
        /// The text that matched (the whole field text or crumb, unfolded), nil for the `other` fallback.
        public var matched: String?
        /// The field the text came from (`breadcrumbs` for the trail), nil for the fallback.
        public var from: String?

        /// The `taxonomy` field's value.
        public var json: JSONValue {
            .object([
                "major": .string(category.major), "majorLabel": .string(category.majorLabel),
                "minor": category.minor.map(JSONValue.string) ?? .null, "minorLabel": category.minorLabel.map(JSONValue.string) ?? .null,
                "matched": matched.map(JSONValue.string) ?? .null, "from": from.map(JSONValue.string) ?? .null,
            ])
        }
    }

    /// The file read.
    public let path: String
    /// The categories in the file's order (the last tie-break).
    public let categories: [Category]
    /// The fallback category, if the file has one.
    public let other: Category?
    /// Folded name (its words joined) → the index of its category.
    let names: [String: Int]
    /// The longest name, in unicode scalars.
    let longestName: Int

    /// Reads and checks a taxonomy file; problems are ``OptionError``s of `option`.
    public init(contentsOf path: String, option: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw OptionError(option: option, "names \(path), which cannot be read")
        }
        let root: JSONNode
        do {
            root = try JSONNodeParser.parse(bytes: Array(data), allowingComments: true)
        } catch {
            throw OptionError(option: option, "names \(path), which is not valid JSON (\(error.location): \(error.message))")
        }
        try self.init(root: root, path: path, option: option)
    }

    /// Checks a parsed taxonomy file.
    init(root: JSONNode, path: String, option: String) throws {
        func problem(_ jsonPath: String, _ node: JSONNode, _ text: String) -> OptionError {
            OptionError(option: option, "names \(path), whose \(jsonPath) (\(node.location)) \(text)")
        }
        func string(_ node: JSONNode?, _ jsonPath: String, in parent: JSONNode) throws -> String {
            guard let node else { throw problem(jsonPath, parent, "is missing") }
            guard case .string(let text) = node.kind, !text.trimmingWhitespace().isEmpty else {
                throw problem(jsonPath, node, "is \(node.typeDescription), not a non-empty string")
            }
            return text.trimmingWhitespace()
        }
        guard case .object = root.kind else { throw problem("$", root, "is \(root.typeDescription), not an object") }
        var majors: [String: String] = [:]
        guard let majorsNode = root.member("majors")?.value else { throw problem("$.majors", root, "is missing") }
        guard case .object(let majorMembers) = majorsNode.kind, !majorMembers.isEmpty else {
            throw problem("$.majors", majorsNode, "is \(majorsNode.typeDescription), not an object of major id → label")
        }
        for member in majorMembers {
            majors[member.key] = try string(member.value, "$.majors.\(member.key)", in: majorsNode)
        }
        func category(_ node: JSONNode, _ jsonPath: String) throws -> Category {
            guard case .object = node.kind else { throw problem(jsonPath, node, "is \(node.typeDescription), not an object") }
            let major = try string(node.member("major")?.value, jsonPath + ".major", in: node)
            guard let majorLabel = majors[major] else {
                throw problem(jsonPath + ".major", node.member("major")?.value ?? node, "is \"\(major)\", which is not one of $.majors")
            }
            guard let minorNode = node.member("minor")?.value, !minorNode.value.isNull else {
                return Category(major: major, majorLabel: majorLabel, minor: nil, minorLabel: nil)
            }
            let minor = try string(minorNode, jsonPath + ".minor", in: node)
            let label = try string(node.member("label")?.value, jsonPath + ".label", in: node)
            return Category(major: major, majorLabel: majorLabel, minor: minor, minorLabel: label)
        }
        guard let categoriesNode = root.member("categories")?.value else { throw problem("$.categories", root, "is missing") }
        guard case .array(let categoryNodes) = categoriesNode.kind, !categoryNodes.isEmpty else {
            throw problem("$.categories", categoriesNode, "is \(categoriesNode.typeDescription), not a non-empty list of categories")
        }
        var categories: [Category] = []
        var names: [String: Int] = [:]
        var longest = 0
        for (index, node) in categoryNodes.enumerated() {
            let jsonPath = "$.categories[\(index)]"
            let category = try category(node, jsonPath)
            var written: [(text: String, node: JSONNode, path: String)] = []
            if let label = category.minorLabel, let labelNode = node.member("label")?.value { written.append((label, labelNode, jsonPath + ".label")) }
            if let minor = category.minor, let minorNode = node.member("minor")?.value { written.append((minor, minorNode, jsonPath + ".minor")) }
            if let namesNode = node.member("names")?.value {
                guard case .array(let nameNodes) = namesNode.kind else {
                    throw problem(jsonPath + ".names", namesNode, "is \(namesNode.typeDescription), not a list of names")
                }
                for (nameIndex, nameNode) in nameNodes.enumerated() {
                    let namePath = "\(jsonPath).names[\(nameIndex)]"
                    written.append((try string(nameNode, namePath, in: namesNode), nameNode, namePath))
                }
            }
            guard !written.isEmpty else { throw problem(jsonPath, node, "has no minor, label or names to match") }
            for name in written {
                let key = Self.words(name.text).joined()
                guard !key.isEmpty else { throw problem(name.path, name.node, "is \"\(name.text)\", which has no letters or digits") }
                if let earlier = names[key], earlier != index {
                    throw problem(name.path, name.node, "is \"\(name.text)\", a name of $.categories[\(earlier)] already")
                }
                names[key] = index
                longest = max(longest, key.unicodeScalars.count)
            }
            categories.append(category)
        }
        if let otherNode = root.member("other")?.value, !otherNode.value.isNull {
            other = try category(otherNode, "$.other")
        } else {
            other = nil
        }
        self.path = path
        self.categories = categories
        self.names = names
        self.longestName = longest
    }

    /// The category a text maps onto, or nil (the rule is in the `category` transform's discussion).
    public func match(_ text: String, from field: String) -> Match? {
        for segment in Self.segments(of: text).reversed() {
            if let index = bestCategory(in: Self.words(segment)) {
                return Match(category: categories[index], matched: text, from: field)
            }
        }
        return nil
    }

    /// The category of the best name among runs of `words` (joined or apart): the longest, then
    /// the one starting first, then the category listed first.
    func bestCategory(in words: [String]) -> Int? {
        var best: (length: Int, start: Int, category: Int)?
        for start in words.indices {
            var key = ""
            var length = 0
            for word in words[start...] {
                key += word
                length += word.unicodeScalars.count
                if length > longestName { break }
                guard let category = names[key] else { continue }
                if let current = best,
                    (current.length, -current.start, -current.category) >= (length, -start, -category)
                {
                    continue
                }
                best = (length, start, category)
            }
        }
        return best?.category
    }

    /// The folded words of a text: diacritics and tatweel out, then ``TextFold/words(_:)``.
    static func words(_ text: String) -> [String] {
        TextFold.words(PersianText.removeTatweel(PersianText.removeDiacritics(text)))
    }

    /// The separators between the levels of a compound label («سیاسی › مجلس», "News / Politics").
    static let separators: Set<Unicode.Scalar> = ["›", "‹", ">", "»", "/", "|", "\\", "–", "—"]

    /// The segments of a compound label, in order.
    static func segments(of text: String) -> [String] {
        var segments: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if separators.contains(scalar) {
                segments.append(String(current))
                current = String.UnicodeScalarView()
            } else {
                current.append(scalar)
            }
        }
        segments.append(String(current))
        return segments
    }
}
