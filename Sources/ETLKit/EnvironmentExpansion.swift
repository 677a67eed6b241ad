/// Expands `${NAME}` and `${NAME:-default}` in pipeline strings from the environment.
///
/// As in POSIX shells, the default applies when the variable is unset or empty. `$${` writes a
/// literal `${`. A variable that is unset and has no default is an error, not an empty string, so
/// that a forgotten `export` does not silently write to `/articles.jsonl`.
public struct EnvironmentExpansion: Sendable {
    /// Why a string could not be expanded.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case unset(name: String)
        case unterminated
        case invalidName(String)

        public var description: String {
            switch self {
            case .unset(let name): return "environment variable \(name) is not set; set it, or write ${\(name):-default}"
            case .unterminated: return "'${' without a closing '}'"
            case .invalidName(let name): return "\"\(name)\" is not a valid environment variable name (letters, digits and _ only)"
            }
        }
    }

    public var environment: [String: String]

    public init(environment: [String: String]) {
        self.environment = environment
    }

    /// Whether a string contains anything to expand.
    public static func containsReference(_ text: String) -> Bool {
        text.contains("${")
    }

    /// The string with every reference replaced.
    public func expand(_ text: String) throws(Failure) -> String {
        guard Self.containsReference(text) else { return text }
        var output = ""
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            output += rest[..<dollar]
            let afterDollar = rest.index(after: dollar)
            if rest[afterDollar...].hasPrefix("${") {
                // `$${` is an escaped, literal `${`.
                output += "${"
                rest = rest[rest.index(afterDollar, offsetBy: 2)...]
                continue
            }
            guard rest[afterDollar...].hasPrefix("{") else {
                output += "$"
                rest = rest[afterDollar...]
                continue
            }
            let bodyStart = rest.index(after: afterDollar)
            guard let close = rest[bodyStart...].firstIndex(of: "}") else { throw .unterminated }
            let body = rest[bodyStart..<close]
            let name: Substring
            let fallback: Substring?
            if let separator = body.range(of: ":-") {
                name = body[..<separator.lowerBound]
                fallback = body[separator.upperBound...]
            } else {
                name = body
                fallback = nil
            }
            guard let first = name.unicodeScalars.first, !("0"..."9").contains(first),
                name.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" })
            else { throw .invalidName(String(name)) }
            if let value = environment[String(name)], !value.isEmpty {
                output += value
            } else if let fallback {
                output += fallback
            } else {
                throw .unset(name: String(name))
            }
            rest = rest[rest.index(after: close)...]
        }
        output += rest
        return output
    }
}
