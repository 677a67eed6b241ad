import ETLKit
import Foundation

/// A CSS selector translated to XPath 1.0, for libxml2's XPath engine.
///
/// The subset news templates need: type (`h1`), universal (`*`), `#id`, `.class` (whole class
/// words), attributes (`[itemprop]`, `[itemprop=articleBody]`, `[class^=…]`, `[href*=…]`,
/// `[lang|=…]`, `[class~=…]`, `[x$=…]`), descendant and child combinators (` `, `>`), the sibling
/// combinators `+` and `~`, `:first-child`, `:last-child`, `:nth-child(N)`, and groups (`a, b`).
public struct CSSSelector: Sendable, Equatable {
    /// The XPath expression.
    public let xpath: String

    /// Why a selector could not be translated.
    public struct SyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
        public var selector: String
        public var reason: String
        public var description: String { "the CSS selector \"\(selector)\" \(reason)" }
    }

    /// Translates `selector`; `relative`, it matches below a context node (`.//…`, for the parts of
    /// a comment a site profile names) rather than anywhere in the document (`//…`).
    public init(_ selector: String, relative: Bool = false) throws(SyntaxError) {
        var parser = Parser(text: Array(selector.unicodeScalars), selector: selector, start: relative ? ".//" : "//")
        xpath = try parser.parseGroup()
    }

    private struct Parser {
        let text: [Unicode.Scalar]
        let selector: String
        /// How each alternative starts: `//`, or `.//` below a context node.
        let start: String
        var index = 0

        func failure(_ reason: String) -> SyntaxError { SyntaxError(selector: selector, reason: reason) }

        var current: Unicode.Scalar? { index < text.count ? text[index] : nil }

        mutating func skipSpaces() -> Bool {
            let start = index
            while let scalar = current, scalar == " " || scalar == "\t" || scalar == "\n" { index += 1 }
            return index > start
        }

        static func isNameScalar(_ scalar: Unicode.Scalar) -> Bool {
            scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "_" || scalar.value > 0x7F
        }

        mutating func name() throws(SyntaxError) -> String {
            var result = String.UnicodeScalarView()
            while let scalar = current, Self.isNameScalar(scalar) {
                result.append(scalar)
                index += 1
            }
            guard !result.isEmpty else { throw failure("expects a name at position \(index + 1)") }
            return String(result)
        }

        mutating func parseGroup() throws(SyntaxError) -> String {
            var alternatives: [String] = []
            repeat {
                _ = skipSpaces()
                alternatives.append(try parseComplex())
                _ = skipSpaces()
                guard let scalar = current else { break }
                guard scalar == "," else { throw failure("has an unexpected '\(scalar)' at position \(index + 1)") }
                index += 1
            } while true
            guard !alternatives.isEmpty, !alternatives.contains(where: \.isEmpty) else { throw failure("is empty") }
            return alternatives.joined(separator: " | ")
        }

        /// Compound selectors joined by combinators, as one XPath location path.
        mutating func parseComplex() throws(SyntaxError) -> String {
            var path = start + (try parseCompound())
            while true {
                let hadSpace = skipSpaces()
                guard let scalar = current, scalar != "," else { return path }
                switch scalar {
                case ">":
                    index += 1
                    _ = skipSpaces()
                    path += "/" + (try parseCompound())
                case "+":
                    index += 1
                    _ = skipSpaces()
                    path += "/following-sibling::*[1]/self::" + (try parseCompound())
                case "~":
                    index += 1
                    _ = skipSpaces()
                    path += "/following-sibling::" + (try parseCompound())
                default:
                    guard hadSpace else { throw failure("has an unexpected '\(scalar)' at position \(index + 1)") }
                    path += "//" + (try parseCompound())
                }
            }
        }

        /// `tag#id.class[attr=value]:pseudo` as `tag[predicates]`.
        mutating func parseCompound() throws(SyntaxError) -> String {
            var element = "*"
            var predicates: [String] = []
            var sawStar = false
            if let scalar = current, scalar == "*" {
                index += 1
                sawStar = true
            } else if let scalar = current, Self.isNameScalar(scalar) {
                element = try name().lowercased()
            }
            loop: while let scalar = current {
                switch scalar {
                case "#":
                    index += 1
                    predicates.append("@id=\(Self.literal(try name()))")
                case ".":
                    index += 1
                    predicates.append("contains(concat(' ', normalize-space(@class), ' '), \(Self.literal(" " + (try name()) + " ")))")
                case "[":
                    index += 1
                    predicates.append(try attribute())
                case ":":
                    index += 1
                    predicates.append(try pseudoClass())
                default:
                    break loop
                }
            }
            if element == "*" && predicates.isEmpty && !sawStar {
                if let scalar = current { throw failure("has an unexpected '\(scalar)' at position \(index + 1)") }
                throw failure("is empty or ends in a combinator")
            }
            return element + predicates.map { "[\($0)]" }.joined()
        }

        mutating func attribute() throws(SyntaxError) -> String {
            _ = skipSpaces()
            let attributeName = try name().lowercased()
            _ = skipSpaces()
            guard let scalar = current else { throw failure("has an unclosed '['") }
            if scalar == "]" {
                index += 1
                return "@\(attributeName)"
            }
            var operation = ""
            if scalar != "=" {
                operation = String(Character(scalar))
                index += 1
            }
            guard current == "=" else { throw failure("has an unknown attribute operator at position \(index + 1)") }
            index += 1
            _ = skipSpaces()
            let value = try attributeValue()
            _ = skipSpaces()
            guard current == "]" else { throw failure("has an unclosed '['") }
            index += 1
            let attribute = "@\(attributeName)"
            let quoted = Self.literal(value)
            switch operation {
            case "": return "\(attribute)=\(quoted)"
            case "~": return "contains(concat(' ', normalize-space(\(attribute)), ' '), \(Self.literal(" " + value + " ")))"
            case "^": return "starts-with(\(attribute), \(quoted))"
            case "$": return "substring(\(attribute), string-length(\(attribute)) - \(value.count - 1)) = \(quoted)"
            case "*": return "contains(\(attribute), \(quoted))"
            case "|": return "(\(attribute)=\(quoted) or starts-with(\(attribute), \(Self.literal(value + "-"))))"
            default: throw failure("has an unknown attribute operator '\(operation)='")
            }
        }

        mutating func attributeValue() throws(SyntaxError) -> String {
            guard let quote = current else { throw failure("has an attribute without a value") }
            if quote == "\"" || quote == "'" {
                index += 1
                var value = String.UnicodeScalarView()
                while let scalar = current, scalar != quote {
                    value.append(scalar)
                    index += 1
                }
                guard current == quote else { throw failure("has an unclosed quote") }
                index += 1
                return String(value)
            }
            return try name()
        }

        mutating func pseudoClass() throws(SyntaxError) -> String {
            let pseudo = try name().lowercased()
            switch pseudo {
            case "first-child": return "not(preceding-sibling::*)"
            case "last-child": return "not(following-sibling::*)"
            case "nth-child":
                guard current == "(" else { throw failure("needs a number in :nth-child(N)") }
                index += 1
                let number = try name()
                guard let position = Int(number), position > 0, current == ")" else { throw failure("needs a number in :nth-child(N)") }
                index += 1
                return "count(preceding-sibling::*) = \(position - 1)"
            default:
                throw failure("uses :\(pseudo), which is not supported (supported: :first-child, :last-child, :nth-child(N))")
            }
        }

        /// An XPath string literal for any text (XPath 1.0 has no escapes: use concat for mixed quotes).
        static func literal(_ value: String) -> String {
            if !value.contains("'") { return "'\(value)'" }
            if !value.contains("\"") { return "\"\(value)\"" }
            return "concat('" + value.replacingOccurrences(of: "'", with: "', \"'\", '") + "')"
        }
    }
}
