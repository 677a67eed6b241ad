/// The rules of one robots.txt file (RFC 9309) for one crawler: the Allow and Disallow lines of the
/// groups that name the crawler's product token (else of the `*` groups), their Crawl-delay, and
/// the file's Sitemap lines.
///
/// Matching follows RFC 9309 §2.2.2: a rule's path is matched against the URL's path and query,
/// `*` matches any run of characters, a final `$` anchors the end, and the rule with the longest
/// path wins; an Allow wins over a Disallow of the same length. Both sides are percent-normalised
/// first (non-ASCII bytes encoded, `%XX` of unreserved characters decoded, hex digits in upper
/// case), so `/caf%C3%A9`, `/café` and `/caf%c3%a9` are one path.
public struct RobotsRules: Sendable, Equatable {
    /// One Allow or Disallow line.
    public struct Rule: Sendable, Equatable {
        public var allows: Bool
        /// The path as written in the file.
        public var path: String
        /// The normalised path, the bytes matched.
        var pattern: [UInt8]

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
                groups[groups.count - 1].rules.append(Rule(allows: key == "allow", path: value, pattern: Self.normalise(value)))
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
        if let disallowAllReason { return .disallowed(rule: disallowAllReason) }
        let target = Self.normalise(path.isEmpty ? "/" : path)
        var best: Rule?
        for rule in rules where Self.matches(rule.pattern, target) {
            guard let current = best else { best = rule; continue }
            if rule.pattern.count > current.pattern.count || (rule.pattern.count == current.pattern.count && rule.allows && !current.allows) {
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

    // MARK: Matching

    /// Whether `pattern` matches a prefix of `path` (the whole path when it ends in `$`); `*` matches
    /// any run of bytes.
    static func matches(_ pattern: [UInt8], _ path: [UInt8]) -> Bool {
        var pattern = pattern
        let anchored = pattern.last == UInt8(ascii: "$")
        if anchored { pattern.removeLast() } else { pattern.append(UInt8(ascii: "*")) }
        // Glob matching with backtracking to the last star: linear for patterns with few stars.
        var p = 0, t = 0
        var starP = -1, starT = 0
        let star = UInt8(ascii: "*")
        while t < path.count {
            if p < pattern.count, pattern[p] == star {
                starP = p
                starT = t
                p += 1
            } else if p < pattern.count, pattern[p] == path[t] {
                p += 1
                t += 1
            } else if starP >= 0 {
                p = starP + 1
                starT += 1
                t = starT
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == star { p += 1 }
        return p == pattern.count
    }

    /// RFC 9309 §2.2.2 normalisation: bytes outside printable ASCII percent-encoded, `%XX` of an
    /// unreserved character decoded, other `%xx` with upper-case hex digits.
    static func normalise(_ text: String) -> [UInt8] {
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%"), index + 2 < bytes.count,
               let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) {
                let decoded = high << 4 | low
                if isUnreserved(decoded) {
                    output.append(decoded)
                } else {
                    output.append(contentsOf: [UInt8(ascii: "%"), hexDigit(high), hexDigit(low)])
                }
                index += 3
                continue
            }
            if byte <= 0x20 || byte >= 0x7F {
                output.append(contentsOf: [UInt8(ascii: "%"), hexDigit(byte >> 4), hexDigit(byte & 0x0F)])
            } else {
                output.append(byte)
            }
            index += 1
        }
        return output
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "~")
        }
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "A") + value - 10
    }
}

private extension Substring {
    func trimmingASCIISpaces() -> Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" { result = result.dropFirst() }
        while let last = result.last, last == " " || last == "\t" { result = result.dropLast() }
        return result
    }
}
