import CPostgres
import Foundation

/// PostgreSQL connection URLs (`postgres://user:password@host:port/db?sslmode=require`) and
/// libpq's keyword/value strings (`host=… dbname=…`): checked without I/O, and redacted for
/// messages.
package enum PostgresURL {
    /// Nil when libpq reads `url`, otherwise libpq's reason (redacted). No I/O: `etl validate`
    /// calls it.
    package static func problem(with url: String) -> String? {
        if PostgresText.containsNUL(url) { return "it holds a NUL character" }
        var errorMessage: UnsafeMutablePointer<CChar>?
        let options = PQconninfoParse(url, &errorMessage)
        defer {
            if let options { PQconninfoFree(options) }
            if let errorMessage { PQfreemem(errorMessage) }
        }
        if let options { return problem(with: options) }
        guard let errorMessage else { return "libpq cannot read it (out of memory?)" }
        return redacted(String(cString: errorMessage).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// What libpq would find wrong only when connecting: a port that is not a number, an
    /// `sslmode` it does not know.
    private static func problem(with options: UnsafeMutablePointer<PQconninfoOption>) -> String? {
        var option = options
        while let keywordPointer = option.pointee.keyword {
            defer { option += 1 }
            guard let valuePointer = option.pointee.val else { continue }
            let keyword = String(cString: keywordPointer)
            let value = String(cString: valuePointer)
            switch keyword {
            case "port":
                for port in value.split(separator: ",", omittingEmptySubsequences: false) where !port.isEmpty {
                    guard let number = Int(port), (1...65535).contains(number) else { return "the port \"\(port)\" is not a number from 1 to 65535" }
                }
            case "sslmode":
                let modes = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"]
                guard modes.contains(value) else { return "sslmode \"\(value)\" is not one of \(modes.joined(separator: ", "))" }
            default:
                continue
            }
        }
        return nil
    }

    /// `url` with every password replaced by `***`: the user information's (`user:***@host`), the
    /// `password` and `sslpassword` query parameters, and the same keywords in a keyword/value string.
    /// What is not a password (user, host, port, database, other parameters) is kept, so that a
    /// message still says which server it means.
    package static func redacted(_ url: String) -> String {
        for scheme in ["postgresql://", "postgres://"] where url.lowercased().hasPrefix(scheme) {
            return redactedURI(url, schemeLength: scheme.count)
        }
        return redactedKeywords(url)
    }

    private static let secretKeys: Set<String> = ["password", "sslpassword"]

    private static func redactedURI(_ url: String, schemeLength: Int) -> String {
        let scheme = url.prefix(schemeLength)
        let rest = url.dropFirst(schemeLength)
        let queryStart = rest.firstIndex(of: "?") ?? rest.endIndex
        var head = String(rest[..<queryStart])
        // The user information ends at the last "@" before the query (a host never holds one).
        if let at = head.lastIndex(of: "@") {
            let userInformation = head[..<at]
            if let colon = userInformation.firstIndex(of: ":") {
                head = String(head[...colon]) + "***" + String(head[at...])
            }
        }
        guard queryStart < rest.endIndex else { return scheme + head }
        let query = rest[rest.index(after: queryStart)...].split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
            let key = pair.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
            let name = (key.removingPercentEncoding ?? key).lowercased()
            return secretKeys.contains(name) ? "\(key)=***" : String(pair)
        }
        return scheme + head + "?" + query.joined(separator: "&")
    }

    /// `password=secret`, `password = 'it''s secret'` and `password='a\'b'` in a keyword/value string.
    private static func redactedKeywords(_ text: String) -> String {
        guard
            let expression = try? NSRegularExpression(
                pattern: #"\b(password|sslpassword)(\s*=\s*)('(?:[^'\\]|\\.|'')*'|\S*)"#, options: [.caseInsensitive])
        else { return "***" }
        let range = NSRange(text.startIndex..., in: text)
        return expression.stringByReplacingMatches(in: text, range: range, withTemplate: "$1$2***")
    }
}

/// Text as PostgreSQL takes it.
package enum PostgresText {
    /// Whether `text` holds a NUL character, which PostgreSQL's `text` and `jsonb` cannot hold
    /// (memchr over the UTF-8 bytes when they are contiguous, as native strings' are).
    package static func containsNUL(_ text: String) -> Bool {
        text.utf8.withContiguousStorageIfAvailable { bytes in
            guard let base = bytes.baseAddress else { return false }
            return memchr(base, 0, bytes.count) != nil
        } ?? text.utf8.contains(0)
    }
}
