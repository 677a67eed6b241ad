import Foundation

/// One spelling per page: the URL as `crawl`, `dedup` and state stores compare it.
///
/// Scheme and host lower-cased, default ports (80, 443) dropped, the fragment dropped, tracking
/// parameters (`utm_*`, `fbclid`, `gclid`, …) removed and the remaining query parameters sorted,
/// an empty path written `/`. Anything that is not an http(s) URL is returned as it is.
///
/// The path is kept as it is: `/news/1` and `/news/1/` are different URLs (RFC 3986), which a
/// server may answer differently and robots.txt may rule differently, so both are fetched when
/// both are found. Two such URLs with the same page are one story to the `dedup` step's content
/// and near-duplicate checks.
public enum CanonicalURL {
    /// Query parameters that only track where a visitor came from.
    public static let trackingParameters: Set<String> = [
        "fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid",
        "_ga", "_gl", "ref_src", "cmpid", "ocid",
    ]

    /// The canonical form of `url`.
    public static func canonical(_ url: String) -> String {
        simpleCanonical(url) ?? foundationCanonical(url)
    }

    /// The canonical form by `URLComponents`, for any URL.
    static func foundationCanonical(_ url: String) -> String {
        guard var components = URLComponents(string: url.trimmingWhitespace()),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https"
        else { return url }
        components.scheme = scheme
        components.host = components.host?.lowercased()
        if (scheme == "http" && components.port == 80) || (scheme == "https" && components.port == 443) { components.port = nil }
        components.fragment = nil
        if components.percentEncodedPath.isEmpty { components.percentEncodedPath = "/" }
        if let items = components.percentEncodedQueryItems {
            let kept = items.filter { item in
                let name = item.name.lowercased()
                return !name.hasPrefix("utm_") && !trackingParameters.contains(name)
            }.sorted { ($0.name, $0.value ?? "") < ($1.name, $1.value ?? "") }
            components.percentEncodedQueryItems = kept.isEmpty ? nil : kept
        }
        return components.string ?? url
    }

    /// The canonical form of the most common kind of URL, read from its bytes, or nil for any other
    /// (which ``foundationCanonical(_:)`` then handles): `http(s)://host[:port][/path]` with an
    /// ASCII host name or IPv4 address (letters, digits, `.`, `-`), a port without leading zeros,
    /// a path of unreserved characters, `/` and `%XX` escapes, and no user, query, fragment or
    /// white space. For these `URLComponents` changes nothing but the case of scheme and host, the
    /// default port and the empty path, so the result is the same (`CanonicalURLTests` compares
    /// the two). Every record's URL is canonicalised at admission, and a Foundation parse was 7% of
    /// the fetch benchmark.
    static func simpleCanonical(_ url: String) -> String? {
        var url = url
        return url.withUTF8 { bytes -> String? in
            guard let parts = simpleParts(bytes) else { return nil }
            var output: [UInt8] = []
            output.reserveCapacity(bytes.count + 1)
            output.append(contentsOf: parts.isHTTPS ? "https://".utf8 : "http://".utf8)
            for byte in bytes[parts.host] { output.append(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte) }
            if let port = parts.port, port != (parts.isHTTPS ? 443 : 80) {
                output.append(UInt8(ascii: ":"))
                output.append(contentsOf: String(port).utf8)
            }
            if parts.pathStart == bytes.count {
                output.append(UInt8(ascii: "/"))
            } else {
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[parts.pathStart...]))
            }
            return String(decoding: output, as: UTF8.self)
        }
    }

    /// Whether `url` is of the simple kind ``simpleCanonical(_:)`` reads: an absolute http(s) URL
    /// with a host, which `URL(string:)` parses as it is (the `urls` source checks every line of
    /// its file with this before it asks Foundation).
    public static func isSimpleHTTPURL(_ url: String) -> Bool {
        var url = url
        return url.withUTF8 { simpleParts($0) != nil }
    }

    /// The parts of a URL of the kind ``simpleCanonical(_:)`` describes, or nil for any other.
    private static func simpleParts(_ bytes: UnsafeBufferPointer<UInt8>) -> (isHTTPS: Bool, host: Range<Int>, port: Int?, pathStart: Int)? {
        func lower(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }
        func isAlphanumeric(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
        }
        func isHex(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66)
        }
        let count = bytes.count
        // Scheme: http or https, any case, then "://".
        guard let (isHTTPS, authorityStart) = URLHost.httpAuthorityStart(bytes) else { return nil }
        var index = authorityStart
        // Host: letters, digits, dots and hyphens.
        let hostStart = index
        while index < count, isAlphanumeric(bytes[index]) || bytes[index] == UInt8(ascii: ".") || bytes[index] == UInt8(ascii: "-") {
            index += 1
        }
        let hostEnd = index
        guard hostEnd > hostStart else { return nil }
        // Port: 1 to 5 digits, no leading zero, at most 65535.
        var port: Int?
        if index < count, bytes[index] == UInt8(ascii: ":") {
            index += 1
            let portStart = index
            var value = 0
            while index < count, bytes[index] >= 0x30, bytes[index] <= 0x39, index - portStart < 5 {
                value = value * 10 + Int(bytes[index] - 0x30)
                index += 1
            }
            let digits = index - portStart
            guard digits > 0, value <= 65_535, digits == 1 || bytes[portStart] != UInt8(ascii: "0") else { return nil }
            port = value
        }
        // Path, to the end: unreserved characters, "/" and "%XX".
        let pathStart = index
        guard index == count || bytes[index] == UInt8(ascii: "/") else { return nil }
        while index < count {
            let byte = bytes[index]
            if isAlphanumeric(byte) || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "~")
            {
                index += 1
            } else if byte == UInt8(ascii: "%"), index + 2 < count, isHex(bytes[index + 1]), isHex(bytes[index + 2]) {
                index += 3
            } else {
                return nil
            }
        }
        return (isHTTPS, hostStart..<hostEnd, port, pathStart)
    }

    /// `url` resolved against `base` (a link's `href` against its page), canonical; nil for links
    /// that are not http(s) (`mailto:`, `javascript:`, …).
    public static func resolve(_ link: String, against base: String) -> String? {
        let trimmed = link.trimmingWhitespace()
        guard !trimmed.isEmpty, !trimmed.hasPrefix("#"), let baseURL = URL(string: base),
            let resolved = URL(string: trimmed, relativeTo: baseURL)?.absoluteURL,
            let scheme = resolved.scheme?.lowercased(), scheme == "http" || scheme == "https"
        else { return nil }
        return canonical(resolved.absoluteString)
    }
}
