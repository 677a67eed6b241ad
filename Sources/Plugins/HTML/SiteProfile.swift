import ETLKit
import ETLText
import Foundation

/// Selectors for one site or CMS family, applied when the page carries the family's markers.
///
/// A profile is a JSON file:
/// ```json
/// { "name": "iransamaneh",
///   "detect": { "generator": ["…"], "classes": ["news_id_c"], "ids": ["…"] },
///   "fields": { "newsId": ".news_id_c", "category": ".news_path a:last-child" },
///   "comments": { "item": ".comments-list li", "author": ".author", "published": ".date", "text": ".comment-body" },
///   "canonicalPath": { "match": "^(/fa/news/\\d+)(/.*)?$", "replace": "$1" } }
/// ```
/// It matches a page whose `<meta name="generator">` contains one of `generator`, or that has an
/// element with one of the `classes` or `ids` (whole class words; `js-…` and other script-hook words
/// are not read as names, so they cannot be markers; each marker's first two bytes are looked for in
/// every element's names, so fewer and rarer markers cost less). Fields use the `select`
/// extractor's selectors. `comments`, optional, names the family's readers' comments (see
/// ``CommentSelectors``); pages without them fall back on the general detector (``CommentSection``).
/// `posts`, optional, names a forum family's posts in the same form (``ThreadPosts``); `question`
/// and `answers`, optional, a Q&A family's (``QuestionAnswers``). A profile with one of these may
/// leave `fields` out. `canonicalPath`, optional, is the family's article URL rule: on a page the profile matched, a
/// path that `match` (a regular expression, whole path) fits is rewritten with `replace` (`$1` …),
/// so that `/fa/news/123/some-slug` and `/fa/news/123` are one page (``canonicalURL(of:)``).
/// The built-in profiles live in `Sources/Plugins/HTML/Resources/profiles/`, one file each, found
/// by listing that folder.
public struct SiteProfile: Sendable {
    public var name: String
    package var generators: [String]
    /// Class and id words, as bytes, checked against each element's lower-cased names.
    package var markers: [[UInt8]]
    package var selectors: [SelectExtractor.FieldSelector]
    /// Where the family's readers' comments are, when the profile says.
    package var comments: CommentSelectors?
    /// Where a forum family's posts are (`posts`), when the profile says.
    package var posts: CommentSelectors?
    /// Where a Q&A family's question and answers are (`question`, `answers`), when the profile says.
    package var questionAnswers: QuestionAnswers.Selectors?
    /// The family's article URL rule (`canonicalPath`), when the profile has one.
    package var canonicalPath: PathRule?

    /// A regular expression on a URL's path and its replacement template. `@unchecked`: a compiled
    /// `NSRegularExpression` is immutable and safe to share.
    package struct PathRule: @unchecked Sendable {
        let match: NSRegularExpression
        let replace: String
    }

    /// Why a profile file could not be used.
    public struct LoadError: Error, Sendable, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "site profile \(path): \(reason)" }
    }

    /// Reads a profile file.
    public init(file path: String) throws(LoadError) {
        guard let data = FileManager.default.contents(atPath: path) else { throw LoadError(path: path, reason: "cannot be read") }
        let root: JSONValue
        do {
            root = try JSONNodeParser.parse(bytes: Array(data)).value
        } catch {
            throw LoadError(path: path, reason: "invalid JSON at \(error.location): \(error.message)")
        }
        let kindSections = ["posts", "question", "answers"]
        guard let object = root.objectValue,
            let fields = object["fields"]?.objectValue ?? (kindSections.contains { object[$0] != nil } ? [:] : nil),
            !fields.isEmpty || kindSections.contains(where: { object[$0] != nil })
        else {
            throw LoadError(path: path, reason: "needs a \"fields\" object of selectors")
        }
        name = object["name"]?.stringValue ?? ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        let detect = object["detect"]?.objectValue ?? [:]
        func words(_ key: String) -> [String] { detect[key]?.arrayValue?.compactMap(\.stringValue) ?? [] }
        generators = words("generator").map { $0.lowercased() }
        markers = (words("classes") + words("ids")).map { Array($0.lowercased().utf8) }
        guard !generators.isEmpty || !markers.isEmpty else {
            throw LoadError(path: path, reason: "needs \"detect\" with \"generator\", \"classes\" or \"ids\"")
        }
        var compiled: [SelectExtractor.FieldSelector] = []
        for (field, selector) in fields.sorted(by: { $0.key < $1.key }) {
            guard let text = selector.stringValue else { throw LoadError(path: path, reason: "field \"\(field)\" is not a selector string") }
            do {
                compiled.append(try SelectExtractor.compile(field: field, selector: text))
            } catch {
                throw LoadError(path: path, reason: "\(error)")
            }
        }
        selectors = compiled
        // `comments` and `posts` have one form: an object of ``CommentSelectors``.
        func listSelectors(_ key: String) throws(LoadError) -> CommentSelectors? {
            guard let value = object[key] else { return nil }
            guard let members = value.objectValue else { throw LoadError(path: path, reason: "\"\(key)\" is not an object of selectors") }
            do {
                return try CommentSelectors(members)
            } catch {
                throw LoadError(path: path, reason: "\(key): \(error.description)")
            }
        }
        comments = try listSelectors("comments")
        posts = try listSelectors("posts")
        if object["question"] != nil || object["answers"] != nil {
            guard let question = object["question"]?.objectValue, let answers = object["answers"]?.objectValue else {
                throw LoadError(path: path, reason: "\"question\" and \"answers\" go together, each an object of selectors")
            }
            do {
                questionAnswers = try QuestionAnswers.Selectors(question: question, answers: answers)
            } catch {
                throw LoadError(path: path, reason: "question/answers: \(error.description)")
            }
        }
        if let rule = object["canonicalPath"] {
            guard let members = rule.objectValue, let match = members["match"]?.stringValue, let replace = members["replace"]?.stringValue else {
                throw LoadError(path: path, reason: "\"canonicalPath\" needs \"match\" (a regular expression) and \"replace\" strings")
            }
            do {
                canonicalPath = PathRule(match: try NSRegularExpression(pattern: match), replace: replace)
            } catch {
                throw LoadError(path: path, reason: "canonicalPath: \"\(match)\" is not a regular expression")
            }
        }
    }

    /// `url` with its path rewritten by the profile's `canonicalPath` rule, its query and fragment
    /// dropped; nil when the profile has no rule, the URL is not absolute or its path does not fit
    /// the rule (a listing or tag page keeps its URL). Read as text, not through `URLComponents`:
    /// a canonical link may carry its slug in Persian letters, not percent-encoded.
    package func canonicalURL(of url: String) -> String? {
        guard let rule = canonicalPath, let scheme = url.range(of: "://") else { return nil }
        let afterHost = url[scheme.upperBound...].firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? url.endIndex
        guard afterHost > scheme.upperBound else { return nil }
        let pathEnd = url[afterHost...].firstIndex { $0 == "?" || $0 == "#" } ?? url.endIndex
        let path = String(url[afterHost..<pathEnd])
        let whole = NSRange(path.startIndex..., in: path)
        guard let found = rule.match.firstMatch(in: path, range: whole), found.range == whole else { return nil }
        return url[..<afterHost] + rule.match.replacementString(for: found, in: path, offset: 0, template: rule.replace)
    }

    /// The class-name patterns with every class and id marker of `profiles`, for a quick substring
    /// test (in the scan that reads the names' hints) before the word test.
    package static func classPatterns(for profiles: [SiteProfile]) -> ClassHint.Patterns {
        ClassHint.Patterns(profileMarkers: profiles.flatMap { $0.markers.map { String(decoding: $0, as: UTF8.self) } })
    }

    /// Whether an element's class and id names (lower-cased bytes) carry one of the markers, as a
    /// whole word.
    package func isMarked(by names: [UInt8]) -> Bool {
        guard !markers.isEmpty else { return false }
        // Class words and ids are separated by spaces in `names`; `_` and `-` belong to the word.
        return names.split(separator: 0x20).contains { word in markers.contains { $0[...] == word } }
    }

    /// Whether the page's generator meta tag names the family.
    package func isGenerated(by metadata: PageMetadata) -> Bool {
        guard !generators.isEmpty, let generator = metadata.meta("generator")?.lowercased() else { return false }
        return generators.contains { generator.contains($0) }
    }

    /// The profiles that ship with etl (every `.json` file of the `profiles` resource folder, by
    /// name), loaded once. A missing folder or a broken file is not skipped: ``builtinProblems``
    /// lists it, and the `html` cleaner refuses to start with built-in profiles on until it is fixed.
    public static var builtins: [SiteProfile] { builtinsLoaded.profiles }

    /// Problems met loading the built-in profiles (empty when all loaded).
    public static var builtinProblems: [String] { builtinsLoaded.problems }

    /// The built-in profiles and the problems met, read once (both lists come from one reading).
    private static let builtinsLoaded = load()

    private static func load() -> (profiles: [SiteProfile], problems: [String]) {
        guard let files = ResourceFiles.files(in: "profiles", of: "ETLHTML") else {
            let searched = ResourceFiles.searchPaths(for: "profiles", of: "ETLHTML").joined(separator: ", ")
            return (
                [],
                ["the built-in site profiles' folder was not found (looked in: \(searched)); copy etl_ETLHTML.resources beside the binary or set ETL_RESOURCES"]
            )
        }
        var profiles: [SiteProfile] = []
        var problems: [String] = []
        for path in files where path.hasSuffix(".json") {
            do {
                profiles.append(try SiteProfile(file: path))
            } catch {
                problems.append("built-in \(error.description)")
            }
        }
        return (profiles, problems)
    }
}
