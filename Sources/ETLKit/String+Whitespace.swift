extension StringProtocol {
    /// The text without white space (Unicode `White_Space`: spaces, tabs, line breaks, no-break
    /// and other Unicode spaces) at either end.
    ///
    /// The one trimming helper of the project: Foundation's `trimmingCharacters(in:)` bridges
    /// through `NSString` and a `CharacterSet`, which cost a few per cent of a whole run in the
    /// fetch benchmark, where every URL is trimmed on its way through.
    public func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        var start = scalars.startIndex
        var end = scalars.endIndex
        while start < end, scalars[start].isWhitespace {
            start = scalars.index(after: start)
        }
        while start < end {
            let before = scalars.index(before: end)
            guard scalars[before].isWhitespace else { break }
            end = before
        }
        return String(self[start..<end])
    }

    /// Whether the text has a white-space character anywhere (see ``trimmingWhitespace()``).
    public var containsWhitespace: Bool {
        unicodeScalars.contains { $0.isWhitespace }
    }
}

extension Unicode.Scalar {
    /// Unicode `White_Space`, answered without the property tables for ASCII.
    @inline(__always)
    fileprivate var isWhitespace: Bool {
        value < 0x80 ? (value == 0x20 || (0x09...0x0D).contains(value)) : properties.isWhitespace
    }
}
