/// The host of an http(s) URL, read from its bytes (`scheme://[userinfo@]host[:port]…`) rather
/// than with `URLComponents`: the fetcher asks for every request, and a Foundation parse costs
/// more than the rest of its scheduling.
public enum URLHost {
    /// The host and, when not the scheme's default, the port (`example.com`, `127.0.0.1:8080`,
    /// `[::1]:8080`), lower-cased; nil for a URL that is not http(s) with a host.
    public static func authority(of url: String) -> String? {
        guard let (name, port) = parts(of: url) else { return nil }
        return port.map { "\(name):\($0)" } ?? name
    }

    /// The host's name alone (`example.com`, `127.0.0.1`, `[::1]`), lower-cased; nil for a URL
    /// that is not http(s) with a host.
    public static func name(of url: String) -> String? {
        parts(of: url)?.name
    }

    private static func parts(of url: String) -> (name: String, port: Int?)? {
        let bytes = Array(url.utf8)
        func lower(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }
        var index = 0
        while index < bytes.count, bytes[index] != UInt8(ascii: ":") { index += 1 }
        let scheme = String(decoding: bytes[0..<index].map(lower), as: UTF8.self)
        guard scheme == "http" || scheme == "https",
              index + 2 < bytes.count, bytes[index + 1] == UInt8(ascii: "/"), bytes[index + 2] == UInt8(ascii: "/") else { return nil }
        let authorityStart = index + 3
        var authorityEnd = authorityStart
        while authorityEnd < bytes.count, !"/?#".utf8.contains(bytes[authorityEnd]) { authorityEnd += 1 }
        var hostStart = authorityStart
        if let at = bytes[authorityStart..<authorityEnd].lastIndex(of: UInt8(ascii: "@")) { hostStart = at + 1 }
        // The port follows the last colon, unless that colon is inside an IPv6 literal's brackets.
        var hostEnd = authorityEnd
        if let colon = bytes[hostStart..<authorityEnd].lastIndex(of: UInt8(ascii: ":")),
           !bytes[colon..<authorityEnd].contains(UInt8(ascii: "]")) {
            hostEnd = colon
        }
        guard hostEnd > hostStart else { return nil }
        let name = String(decoding: bytes[hostStart..<hostEnd].map(lower), as: UTF8.self)
        guard hostEnd < authorityEnd else { return (name, nil) }
        let portText = bytes[(hostEnd + 1)..<authorityEnd]
        guard !portText.isEmpty else { return (name, nil) }
        guard portText.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let port = Int(String(decoding: portText, as: UTF8.self)) else { return nil }
        return (name, port == (scheme == "https" ? 443 : 80) ? nil : port)
    }
}
