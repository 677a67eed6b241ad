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

    /// ``name(of:)`` and ``authority(of:)`` from one reading of the URL.
    public static func nameAndAuthority(of url: String) -> (name: String, authority: String)? {
        guard let (name, port) = parts(of: url) else { return nil }
        return (name, port.map { "\(name):\($0)" } ?? name)
    }

    /// The host's name alone (`example.com`, `127.0.0.1`, `[::1]`), lower-cased; nil for a URL
    /// that is not http(s) with a host.
    public static func name(of url: String) -> String? {
        parts(of: url)?.name
    }

    /// Where the authority of an `http://` or `https://` URL starts (the scheme in any case), and
    /// whether it is https; nil for any other scheme. Read on bytes: the fetcher and the runner's
    /// canonical URLs call it for every request and record.
    static func httpAuthorityStart(_ bytes: UnsafeBufferPointer<UInt8>) -> (isHTTPS: Bool, start: Int)? {
        func lower(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }
        let count = bytes.count
        var index = 0
        while index < count, index < 6, bytes[index] != UInt8(ascii: ":") { index += 1 }
        let isHTTPS: Bool
        switch index {
        case 4: isHTTPS = false
        case 5: isHTTPS = true
        default: return nil
        }
        guard lower(bytes[0]) == UInt8(ascii: "h"), lower(bytes[1]) == UInt8(ascii: "t"), lower(bytes[2]) == UInt8(ascii: "t"),
            lower(bytes[3]) == UInt8(ascii: "p"), !isHTTPS || lower(bytes[4]) == UInt8(ascii: "s"),
            index + 2 < count, bytes[index] == UInt8(ascii: ":"), bytes[index + 1] == UInt8(ascii: "/"),
            bytes[index + 2] == UInt8(ascii: "/")
        else { return nil }
        return (isHTTPS, index + 3)
    }

    /// Read on the bytes in place: no array of them, no string for the scheme (the fetcher parses
    /// two or three of these per request).
    private static func parts(of url: String) -> (name: String, port: Int?)? {
        var url = url
        return url.withUTF8 { bytes -> (name: String, port: Int?)? in
            func lower(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }
            let count = bytes.count
            guard let (isHTTPS, authorityStart) = httpAuthorityStart(bytes) else { return nil }
            var authorityEnd = authorityStart
            while authorityEnd < count, bytes[authorityEnd] != UInt8(ascii: "/"), bytes[authorityEnd] != UInt8(ascii: "?"),
                bytes[authorityEnd] != UInt8(ascii: "#")
            {
                authorityEnd += 1
            }
            var hostStart = authorityStart
            if let at = bytes[authorityStart..<authorityEnd].lastIndex(of: UInt8(ascii: "@")) { hostStart = at + 1 }
            // The port follows the last colon, unless that colon is inside an IPv6 literal's brackets.
            var hostEnd = authorityEnd
            if let colon = bytes[hostStart..<authorityEnd].lastIndex(of: UInt8(ascii: ":")),
                !bytes[colon..<authorityEnd].contains(UInt8(ascii: "]"))
            {
                hostEnd = colon
            }
            guard hostEnd > hostStart else { return nil }
            let name = String(unsafeUninitializedCapacity: hostEnd - hostStart) { buffer in
                for offset in 0..<(hostEnd - hostStart) { buffer[offset] = lower(bytes[hostStart + offset]) }
                return hostEnd - hostStart
            }
            guard hostEnd + 1 < authorityEnd else { return (name, nil) }
            var port = 0
            for byte in bytes[(hostEnd + 1)..<authorityEnd] {
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                let (times10, overflow1) = port.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times10.addingReportingOverflow(Int(byte - 0x30))
                guard !overflow1, !overflow2 else { return nil }
                port = sum
            }
            return (name, port == (isHTTPS ? 443 : 80) ? nil : port)
        }
    }
}
