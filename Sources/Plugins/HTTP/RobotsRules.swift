/// The rules of one robots.txt file (RFC 9309) for one crawler: the Allow and Disallow lines of the
/// groups that name the crawler's product token (else of the `*` groups), their Crawl-delay, and
/// the file's Sitemap lines.
///
/// Matching follows RFC 9309 §2.2.2: a rule's path is matched against the URL's path and query,
/// `*` matches any run of characters, a final `$` anchors the end, and the rule with the longest
/// path wins; an Allow wins over a Disallow of the same length. Both sides are percent-normalised
/// first, and `%2A`/`%24` in a rule are a literal `*`/`$` (see ``RobotsPattern``). `/robots.txt`
/// itself is always allowed (§2.2.2: it is implicitly allowed).
public struct RobotsRules: Sendable, Equatable {
    /// One Allow or Disallow line.
    public struct Rule: Sendable, Equatable {
        public var allows: Bool
        /// The path as written in the file.
        public var path: String
        /// The path as matched.
        package var pattern: RobotsPattern

        /// The line as it would be written: `Disallow: /private/`.
        public var line: String { (allows ? "Allow: " : "Disallow: ") + path }
    }

    /// What ``verdict(forPath:)`` decides.
    public enum Verdict: Sendable, Equatable {
        case allowed
        /// `rule` names the line (or the reason) that disallows the path.
        case disallowed(rule: String)
    }

    /// The rules that apply, in file order.
    public private(set) var rules: [Rule]
    /// The Crawl-delay of the applying groups in seconds (the largest, if several set one).
    public private(set) var crawlDelay: Double?
    /// Every Sitemap URL in the file, whatever group it sits in.
    public private(set) var sitemaps: [String]
    /// Set when everything is disallowed whatever the path (an unreachable robots.txt): the reason.
    public private(set) var disallowAllReason: String?

    /// No rules: everything allowed (a missing robots.txt).
    public static let allowAll = RobotsRules(rules: [], crawlDelay: nil, sitemaps: [], disallowAllReason: nil)

    /// Everything disallowed, for `reason` (RFC 9309 §2.3.1.3: an unreachable robots.txt).
    public static func disallowAll(reason: String) -> RobotsRules {
        RobotsRules(rules: [], crawlDelay: nil, sitemaps: [], disallowAllReason: reason)
    }

    private init(rules: [Rule], crawlDelay: Double?, sitemaps: [String], disallowAllReason: String?) {
        self.rules = rules
        self.crawlDelay = crawlDelay
        self.sitemaps = sitemaps
        self.disallowAllReason = disallowAllReason
    }

    /// Parses a robots.txt for the crawler whose User-Agent header is `userAgent`; its product token
    /// (``productToken(of:)``) picks the groups.
    public init(parsing text: String, userAgent: String) {
        struct Group {
            var agents: [String] = []
            var rules: [Rule] = []
            var crawlDelay: Double?
        }
        var groups: [Group] = []
        var sitemaps: [String] = []
        // Whether the previous group line was a User-agent line: consecutive ones share a group.
        var lastWasAgent = false

        var text = Substring(text)
        if text.unicodeScalars.first == "\u{FEFF}" { text = text.dropFirst() }
        for rawLine in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) {
            var line = rawLine
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingASCIISpaces().lowercased()
            let value = String(line[line.index(after: colon)...].trimmingASCIISpaces())
            switch key {
            case "user-agent", "useragent", "user agent":
                if lastWasAgent, !groups.isEmpty {
                    groups[groups.count - 1].agents.append(Self.agentName(value))
                } else {
                    groups.append(Group(agents: [Self.agentName(value)]))
                }
                lastWasAgent = true
            case "allow", "disallow":
                lastWasAgent = false
                // An empty path matches nothing (`Disallow:` allows everything).
                guard !groups.isEmpty, !value.isEmpty else { continue }
                groups[groups.count - 1].rules.append(Rule(allows: key == "allow", path: value, pattern: RobotsPattern(value)))
            case "crawl-delay", "crawldelay":
                lastWasAgent = false
                guard !groups.isEmpty, let seconds = Double(value), seconds.isFinite, seconds >= 0 else { continue }
                let current = groups[groups.count - 1].crawlDelay
                groups[groups.count - 1].crawlDelay = max(current ?? 0, seconds)
            case "sitemap", "site-map":
                if !value.isEmpty { sitemaps.append(value) }
            default:
                continue
            }
        }

        let token = Self.productToken(of: userAgent)
        var applying = groups.filter { $0.agents.contains(token) }
        if applying.isEmpty { applying = groups.filter { $0.agents.contains("*") } }
        self.rules = applying.flatMap(\.rules)
        self.crawlDelay = applying.compactMap(\.crawlDelay).max()
        self.sitemaps = sitemaps
        self.disallowAllReason = nil
    }

    /// Whether the URL path (with its query, as sent: `/a/b?c=d`) may be fetched.
    public func verdict(forPath path: String) -> Verdict {
        if path == "/robots.txt" { return .allowed }
        if let disallowAllReason { return .disallowed(rule: disallowAllReason) }
        let target = RobotsPattern.target(path.isEmpty ? "/" : path)
        var best: Rule?
        for rule in rules where rule.pattern.matches(target) {
            guard let current = best else {
                best = rule
                continue
            }
            let (length, currentLength) = (rule.pattern.length, current.pattern.length)
            if length > currentLength || (length == currentLength && rule.allows && !current.allows) {
                best = rule
            }
        }
        guard let best, !best.allows else { return .allowed }
        return .disallowed(rule: best.line)
    }

    /// Whether the path may be fetched.
    public func allows(_ path: String) -> Bool {
        verdict(forPath: path) == .allowed
    }

    /// The product token of a User-Agent header, lower case: `etl` for `etl/0.1 (+https://…)`.
    public static func productToken(of userAgent: String) -> String {
        agentName(userAgent)
    }

    /// A User-agent line's name as compared: `*`, or its leading letters, `-` and `_`, lower case.
    private static func agentName(_ value: String) -> String {
        if value.hasPrefix("*") { return "*" }
        return String(value.prefix { $0.isASCII && ($0.isLetter || $0 == "-" || $0 == "_") }).lowercased()
    }
}

extension Substring {
    fileprivate func trimmingASCIISpaces() -> Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" { result = result.dropFirst() }
        while let last = result.last, last == " " || last == "\t" { result = result.dropLast() }
        return result
    }
}
