/// A JSON syntax error with the place it was found.
public struct JSONSyntaxError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var location: SourceLocation

    public var description: String { "\(location): \(message)" }
}

/// A strict JSON (RFC 8259) parser over UTF-8 bytes that records the line and column of every value
/// and member name. Foundation's parser does not report positions, which pipeline errors need.
///
/// Bytes that are not UTF-8 are an error, at the line and column of the first bad byte (a `String`
/// is UTF-8 already). Escaped surrogates must come in pairs: a lone `\uD800` or `\uDC00` is an
/// error, not a replacement character. `\u0000` is valid JSON; callers that hand strings to C
/// (file paths) pass `allowingNUL: false` to have it rejected, since C would end the string there.
public struct JSONNodeParser {
    private let bytes: [UInt8]
    private let allowsNUL: Bool
    private let allowsComments: Bool
    private var index = 0
    private var line = 1
    private var lineStart = 0
    private var depth = 0
    private static let maximumDepth = 512

    /// Parses a whole document; trailing content other than white space is an error.
    public static func parse(_ text: String, allowingNUL: Bool = true) throws(JSONSyntaxError) -> JSONNode {
        var parser = JSONNodeParser(bytes: Array(text.utf8), allowsNUL: allowingNUL, allowsComments: false)
        return try parser.parseDocument()
    }

    /// Parses a whole document given as UTF-8 bytes; bytes that are not UTF-8 are an error.
    /// `allowingComments` reads JSONC: `// …` and `/* … */` comments wherever white space may be
    /// (pipeline files; JSON from the web stays strict).
    public static func parse(bytes: [UInt8], allowingNUL: Bool = true, allowingComments: Bool = false) throws(JSONSyntaxError) -> JSONNode {
        var parser = JSONNodeParser(bytes: bytes, allowsNUL: allowingNUL, allowsComments: allowingComments)
        try parser.checkUTF8()
        return try parser.parseDocument()
    }

    private init(bytes: [UInt8], allowsNUL: Bool, allowsComments: Bool) {
        self.bytes = bytes
        self.allowsNUL = allowsNUL
        self.allowsComments = allowsComments
        // A UTF-8 byte order mark is allowed and skipped.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            index = 3
            lineStart = 3
        }
    }

    /// Where column counting last stopped, so that a long line (minified JSON-LD) is counted once,
    /// not once per value.
    private var counted = (lineStart: -1, index: 0, column: 0)

    private var location: SourceLocation {
        mutating get {
            // Columns count characters (scalars), not bytes, so that editors agree on non-ASCII lines.
            if counted.lineStart != lineStart || counted.index > index {
                counted = (lineStart, lineStart, 0)
            }
            var column = counted.column
            for byte in bytes[counted.index..<index] where (byte & 0xC0) != 0x80 { column += 1 }
            counted = (lineStart, index, column)
            return SourceLocation(line: line, column: column + 1)
        }
    }

    private mutating func error(_ message: String) -> JSONSyntaxError {
        JSONSyntaxError(message: message, location: location)
    }

    /// An error at an earlier byte of the current line (the start of an escape).
    private mutating func error(_ message: String, at offset: Int) -> JSONSyntaxError {
        index = offset
        return error(message)
    }

    private static func unpairedSurrogate(_ value: UInt32) -> String {
        let hex = String(value, radix: 16, uppercase: true)
        return "unpaired surrogate \\u\(hex) in string; a \\u escape of a surrogate needs its other half next to it (\\uD83D\\uDE00 is one character)"
    }

    /// Throws at the first byte that does not belong to a well-formed UTF-8 sequence (an overlong
    /// form, an encoded surrogate and a value past U+10FFFF are not well-formed either).
    private mutating func checkUTF8() throws(JSONSyntaxError) {
        var offset = 0
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                offset += encoded.count
            case .emptyInput:
                return
            case .error(let length):
                // Move to the bad byte, so that `location` names its line and column.
                let newline = bytes[..<offset].lastIndex(of: 0x0A)
                line = 1 + bytes[..<offset].count { $0 == 0x0A }
                lineStart = newline.map { $0 + 1 } ?? lineStart
                index = offset
                let shown = bytes[offset..<offset + length].map { "0x" + String($0, radix: 16, uppercase: true) }
                throw error(
                    "the file is not UTF-8 text: byte\(length == 1 ? "" : "s") \(shown.joined(separator: " ")) at byte offset \(offset) \(length == 1 ? "is" : "are") not valid UTF-8"
                )
            }
        }
    }

    private mutating func parseDocument() throws(JSONSyntaxError) -> JSONNode {
        try skipWhitespace()
        guard index < bytes.count else { throw error("the file is empty; expected a JSON object") }
        let node = try parseValue()
        try skipWhitespace()
        if index < bytes.count { throw error("unexpected \(describeCurrent()) after the end of the JSON value") }
        return node
    }

    private mutating func skipWhitespace() throws(JSONSyntaxError) {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0D: index += 1
            case 0x0A:
                index += 1
                line += 1
                lineStart = index
            case UInt8(ascii: "/") where allowsComments:
                try skipComment()
            default: return
            }
        }
    }

    /// Skips a `// …` comment to the end of its line or a `/* … */` one (which may span lines; it
    /// does not nest), as JSONC allows; the index is on the `/`.
    private mutating func skipComment() throws(JSONSyntaxError) {
        let next = index + 1 < bytes.count ? bytes[index + 1] : 0
        switch next {
        case UInt8(ascii: "/"):
            while index < bytes.count && bytes[index] != 0x0A { index += 1 }
        case UInt8(ascii: "*"):
            let opening = location
            index += 2
            while true {
                guard index < bytes.count else {
                    throw JSONSyntaxError(message: "a comment opened with /* is not closed by */", location: opening)
                }
                if bytes[index] == UInt8(ascii: "*"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "/") {
                    index += 2
                    return
                }
                if bytes[index] == 0x0A {
                    line += 1
                    lineStart = index + 1
                }
                index += 1
            }
        default:
            throw error("unexpected '/'; a comment starts with // or /*")
        }
    }

    private func describeCurrent() -> String {
        guard index < bytes.count else { return "end of file" }
        let byte = bytes[index]
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x\(String(byte, radix: 16, uppercase: true))"
    }

    private mutating func parseValue() throws(JSONSyntaxError) -> JSONNode {
        try skipWhitespace()
        guard index < bytes.count else { throw error("unexpected end of file; expected a value") }
        let start = location
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject(start: start)
        case UInt8(ascii: "["): return try parseArray(start: start)
        case UInt8(ascii: "\""): return JSONNode(kind: .string(try parseString()), location: start)
        case UInt8(ascii: "t"):
            try expectWord("true")
            return JSONNode(kind: .bool(true), location: start)
        case UInt8(ascii: "f"):
            try expectWord("false")
            return JSONNode(kind: .bool(false), location: start)
        case UInt8(ascii: "n"):
            try expectWord("null")
            return JSONNode(kind: .null, location: start)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber(start: start)
        case UInt8(ascii: "'"): throw error("strings must use double quotes")
        default: throw error("unexpected \(describeCurrent()); expected a value")
        }
    }

    private mutating func expectWord(_ word: String) throws(JSONSyntaxError) {
        let expected = Array(word.utf8)
        guard bytes.count - index >= expected.count, Array(bytes[index..<index + expected.count]) == expected else {
            throw error("unexpected \(describeCurrent()); expected a value")
        }
        index += expected.count
    }

    private mutating func enter() throws(JSONSyntaxError) {
        depth += 1
        if depth > Self.maximumDepth { throw error("nested more than \(Self.maximumDepth) levels deep") }
    }

    private mutating func parseObject(start: SourceLocation) throws(JSONSyntaxError) -> JSONNode {
        try enter()
        defer { depth -= 1 }
        index += 1
        var members: [JSONNode.Member] = []
        try skipWhitespace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "}") {
            index += 1
            return JSONNode(kind: .object(members), location: start)
        }
        while true {
            try skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of file; expected a member name or '}'") }
            guard bytes[index] == UInt8(ascii: "\"") else {
                if bytes[index] == UInt8(ascii: "}") { throw error("trailing comma before '}'") }
                throw error("unexpected \(describeCurrent()); expected a member name in double quotes")
            }
            let keyLocation = location
            let key = try parseString()
            try skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                throw error("unexpected \(describeCurrent()); expected ':' after member name \"\(key)\"")
            }
            index += 1
            let value = try parseValue()
            members.append(JSONNode.Member(key: key, keyLocation: keyLocation, value: value))
            try skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of file; expected ',' or '}'") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            if bytes[index] == UInt8(ascii: "}") {
                index += 1
                break
            }
            throw error("unexpected \(describeCurrent()); expected ',' or '}'")
        }
        return JSONNode(kind: .object(members), location: start)
    }

    private mutating func parseArray(start: SourceLocation) throws(JSONSyntaxError) -> JSONNode {
        try enter()
        defer { depth -= 1 }
        index += 1
        var elements: [JSONNode] = []
        try skipWhitespace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "]") {
            index += 1
            return JSONNode(kind: .array(elements), location: start)
        }
        while true {
            try skipWhitespace()
            if index < bytes.count && bytes[index] == UInt8(ascii: "]") { throw error("trailing comma before ']'") }
            elements.append(try parseValue())
            try skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of file; expected ',' or ']'") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            if bytes[index] == UInt8(ascii: "]") {
                index += 1
                break
            }
            throw error("unexpected \(describeCurrent()); expected ',' or ']'")
        }
        return JSONNode(kind: .array(elements), location: start)
    }

    private mutating func parseString() throws(JSONSyntaxError) -> String {
        index += 1  // opening quote
        var output: [UInt8] = []
        while true {
            guard index < bytes.count else { throw error("unterminated string") }
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return String(decoding: output, as: UTF8.self)
            case UInt8(ascii: "\\"):
                index += 1
                guard index < bytes.count else { throw error("unterminated string") }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""): output.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): output.append(UInt8(ascii: "\\"))
                case UInt8(ascii: "/"): output.append(UInt8(ascii: "/"))
                case UInt8(ascii: "b"): output.append(0x08)
                case UInt8(ascii: "f"): output.append(0x0C)
                case UInt8(ascii: "n"): output.append(0x0A)
                case UInt8(ascii: "r"): output.append(0x0D)
                case UInt8(ascii: "t"): output.append(0x09)
                case UInt8(ascii: "u"):
                    let escapeStart = index - 2
                    var scalarValue = try parseHex4()
                    if (0xD800..<0xDC00).contains(scalarValue) {
                        // A high surrogate must be followed by an escaped low surrogate.
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                            throw error(Self.unpairedSurrogate(scalarValue), at: escapeStart)
                        }
                        index += 2
                        let low = try parseHex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw error(Self.unpairedSurrogate(scalarValue), at: escapeStart) }
                        scalarValue = 0x10000 + ((scalarValue - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00..<0xE000).contains(scalarValue) {
                        throw error(Self.unpairedSurrogate(scalarValue), at: escapeStart)
                    }
                    if scalarValue == 0 && !allowsNUL {
                        throw error(
                            "NUL character (\\u0000) in string; it is not allowed here, since a file path or other text handed to the system would end at it",
                            at: escapeStart)
                    }
                    guard let scalar = Unicode.Scalar(scalarValue) else { throw error("invalid \\u escape", at: escapeStart) }
                    output.append(contentsOf: Array(String(Character(scalar)).utf8))
                default:
                    index -= 1
                    throw error("invalid escape '\\\(Character(Unicode.Scalar(escape)))' in string")
                }
            case 0x0A:
                throw error("unterminated string (a newline inside a string must be written \\n)")
            case 0 where !allowsNUL:
                throw error("NUL byte in string; it is not allowed here, since a file path or other text handed to the system would end at it")
            case 0..<0x20:
                throw error("control character in string; write it as a \\u escape")
            default:
                output.append(byte)
                index += 1
            }
        }
    }

    private mutating func parseHex4() throws(JSONSyntaxError) -> UInt32 {
        guard bytes.count - index >= 4 else { throw error("incomplete \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw error("invalid hexadecimal digit in \\u escape")
            }
            value = value * 16 + digit
            index += 1
        }
        return value
    }

    private mutating func parseNumber(start: SourceLocation) throws(JSONSyntaxError) -> JSONNode {
        let begin = index
        var isInteger = true
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) else {
            throw error("invalid number")
        }
        if bytes[index] == UInt8(ascii: "0"), index + 1 < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index + 1]) {
            throw error("numbers may not have leading zeros")
        }
        func digits(_ parser: inout JSONNodeParser) -> Int {
            var count = 0
            while parser.index < parser.bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(parser.bytes[parser.index]) {
                parser.index += 1
                count += 1
            }
            return count
        }
        _ = digits(&self)
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard digits(&self) > 0 else { throw error("invalid number: digits expected after '.'") }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits(&self) > 0 else { throw error("invalid number: digits expected in exponent") }
        }
        let text = String(decoding: bytes[begin..<index], as: UTF8.self)
        if isInteger, let value = Int(text) {
            return JSONNode(kind: .integer(value), location: start)
        }
        guard let value = Double(text) else { throw error("invalid number \(text)") }
        return JSONNode(kind: .number(value), location: start)
    }
}
