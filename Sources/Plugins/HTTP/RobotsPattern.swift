/// The path of one robots.txt Allow or Disallow line, ready to match URL paths (RFC 9309 §2.2.2,
/// §2.2.3).
///
/// Both the rule and the URL path are percent-normalised (``normalise(_:)``), so that octets are
/// compared in their encoded form except for unreserved characters, which match in either form:
/// `/caf%C3%A9`, `/café` and `/caf%c3%a9` are one path, `/%7Euser` is `/~user`, but `%2F` is
/// not `/`. In the rule, a literal `*` matches any run of characters and a final literal `$`
/// anchors the end; written `%2A` and `%24` they are the characters themselves, matching a `*` or
/// `$` in the URL, literal or encoded (§2.2.3: `/path/file-with-a-%2A.html` matches
/// `/path/file-with-a-*.html`).
package struct RobotsPattern: Sendable, Equatable {
    package enum Element: Sendable, Equatable {
        /// One octet of the normalised path.
        case byte(UInt8)
        /// `*`: any run of octets, the empty one included.
        case wildcard
    }

    package private(set) var elements: [Element]
    /// Whether the rule ended in a literal `$`: the path must end where the pattern does.
    package private(set) var anchored: Bool
    /// Octets of the normalised rule path: the most specific (longest) matching rule wins.
    package let length: Int

    package init(_ path: String) {
        let bytes = Self.normalise(path)
        length = bytes.count
        var elements: [Element] = []
        elements.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "*"):
                elements.append(.wildcard)
            case UInt8(ascii: "%") where index + 2 < bytes.count && Self.encodedSpecial(bytes[index + 1], bytes[index + 2]) != nil:
                elements.append(.byte(Self.encodedSpecial(bytes[index + 1], bytes[index + 2]) ?? 0))
                index += 2
            default:
                elements.append(.byte(bytes[index]))
            }
            index += 1
        }
        anchored = elements.last == .byte(UInt8(ascii: "$")) && bytes.last == UInt8(ascii: "$")
        if anchored { elements.removeLast() }
        self.elements = elements
    }

    /// A URL path (with its query) as it is matched: normalised, with `%2A` and `%24` decoded so
    /// that a rule's `%2A` matches `*` in either spelling.
    package static func target(_ path: String) -> [UInt8] {
        let bytes = normalise(path)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count, let special = encodedSpecial(bytes[index + 1], bytes[index + 2]) {
                output.append(special)
                index += 3
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return output
    }

    /// Whether the pattern matches a prefix of `path` (a ``target(_:)``), or the whole of it when
    /// anchored.
    package func matches(_ path: [UInt8]) -> Bool {
        // Glob matching with backtracking to the last wildcard: linear for patterns with few of them.
        var pattern = elements
        if !anchored { pattern.append(.wildcard) }
        var p = 0
        var t = 0
        var starP = -1
        var starT = 0
        while t < path.count {
            if p < pattern.count, pattern[p] == .wildcard {
                starP = p
                starT = t
                p += 1
            } else if p < pattern.count, pattern[p] == .byte(path[t]) {
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
        while p < pattern.count, pattern[p] == .wildcard { p += 1 }
        return p == pattern.count
    }

    /// `*` for the hex digits of `%2A`, `$` for those of `%24` (upper case, as normalised).
    private static func encodedSpecial(_ high: UInt8, _ low: UInt8) -> UInt8? {
        switch (high, low) {
        case (UInt8(ascii: "2"), UInt8(ascii: "A")): return UInt8(ascii: "*")
        case (UInt8(ascii: "2"), UInt8(ascii: "4")): return UInt8(ascii: "$")
        default: return nil
        }
    }

    // MARK: Normalisation

    /// RFC 9309 §2.2.2 normalisation: bytes outside printable ASCII percent-encoded, `%XX` of an
    /// unreserved character decoded, other `%xx` with upper-case hex digits.
    package static func normalise(_ text: String) -> [UInt8] {
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%"), index + 2 < bytes.count,
                let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
            {
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
