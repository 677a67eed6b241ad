import ETLKit
import Foundation
import Synchronization

/// A proxy named by the `http` fetcher's `proxies` option (and the sources' own): `socks5h://`,
/// `socks5://`, `http://` or `https://`, a host and a port, with credentials if the proxy wants
/// them (`socks5h://user:secret@127.0.0.1:1080`, percent-encoded as in any URL).
///
/// ``url`` goes to libcurl only; everything that is shown (logs, errors, dead letters) uses
/// ``description``, in which the password is `***`, as in the project's other URLs (PostgreSQL's).
package struct HTTPProxy: Sendable, Hashable, CustomStringConvertible {
    /// How the proxy is spoken to, and who resolves the target's name.
    package enum Scheme: String, Sendable, CaseIterable {
        /// SOCKS5; the proxy resolves the target's name.
        case socks5h
        /// SOCKS5; the target's name is resolved here and its address sent to the proxy.
        case socks5
        /// An HTTP proxy: CONNECT for https targets, an absolute-form request for http ones; the proxy resolves.
        case http
        /// An HTTP proxy spoken to over TLS.
        case https
    }

    /// The URL as given, credentials included: for libcurl's `CURLOPT_PROXY` only.
    package let url: String
    package let scheme: Scheme
    /// The host as written in the URL (an IPv6 address in brackets), lower-cased.
    package let host: String
    package let port: Int
    /// The URL with its password replaced by `***`.
    package let description: String
    /// The user name and password, as written and percent-decoded, to be scrubbed from messages
    /// that could quote them (libcurl's); short ones are left (they would garble any message).
    private let secrets: [String]

    /// Parses `text`; throws what is wrong with it, as a clause ("has no port"), naming no credential.
    package init(parsing text: String) throws(HTTPProxyError) {
        let shown = Self.redacted(text)
        guard let separator = text.range(of: "://") else {
            throw HTTPProxyError("is not a URL such as socks5h://127.0.0.1:1080")
        }
        let schemeText = text[..<separator.lowerBound].lowercased()
        guard let scheme = Scheme(rawValue: schemeText) else {
            let known = Scheme.allCases.map { "\($0.rawValue)://" }.joined(separator: ", ")
            throw HTTPProxyError("has the scheme \"\(schemeText)\"; a proxy's is one of \(known)")
        }
        var rest = text[separator.upperBound...]
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        guard !rest.contains(where: { "/?#".contains($0) }) else {
            throw HTTPProxyError("has a path, query or fragment; a proxy is scheme://host:port")
        }
        var userInformation: Substring = ""
        if let at = rest.lastIndex(of: "@") {
            userInformation = rest[..<at]
            rest = rest[rest.index(after: at)...]
        }
        guard !rest.contains(where: { $0.isWhitespace || $0.isNewline }), !userInformation.contains(where: { $0.isWhitespace || $0.isNewline })
        else {
            throw HTTPProxyError("contains white space")
        }
        let hostText: Substring
        let portText: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw HTTPProxyError("has an IPv6 address without its closing ]") }
            hostText = rest[...close]
            let after = rest[rest.index(after: close)...]
            portText = after.hasPrefix(":") ? after.dropFirst() : (after.isEmpty ? nil : after)
            guard DestinationPolicy.Address(String(hostText)) != nil else { throw HTTPProxyError("has an invalid IPv6 address") }
        } else if let colon = rest.lastIndex(of: ":") {
            hostText = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
        } else {
            hostText = rest
            portText = nil
        }
        guard !hostText.isEmpty else { throw HTTPProxyError("has no host") }
        if !hostText.hasPrefix("[") {
            let valid = hostText.unicodeScalars.allSatisfy {
                $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || ".-_".unicodeScalars.contains($0))
            }
            guard valid else { throw HTTPProxyError("has an invalid host \"\(hostText)\"") }
        }
        guard let portText else { throw HTTPProxyError("has no port; write it, as in \(scheme.rawValue)://\(hostText):1080") }
        guard let port = Int(portText), (1...65535).contains(port) else {
            throw HTTPProxyError("has an invalid port \"\(portText)\" (1 to 65535)")
        }
        self.url = text
        self.scheme = scheme
        self.host = hostText.lowercased()
        self.port = port
        self.description = shown
        var secrets: [String] = []
        for part in userInformation.split(separator: ":", maxSplits: 1) {
            let raw = String(part)
            for secret in [raw, raw.removingPercentEncoding ?? raw] where secret.count >= 4 && !secrets.contains(secret) {
                secrets.append(secret)
            }
        }
        self.secrets = secrets
    }

    /// Whether the target's name is resolved here (`socks5://`), not by the proxy.
    package var resolvesTargetLocally: Bool { scheme == .socks5 }

    /// `text` with every credential of this proxy replaced by `***` (for libcurl's messages).
    package func scrubbing(_ text: String) -> String {
        secrets.reduce(text) { $0.replacingOccurrences(of: $1, with: "***") }
    }

    /// A proxy URL with the password after `user:` replaced by `***` (the user name is kept, to tell
    /// accounts apart); anything that is not a URL is returned as it is.
    package static func redacted(_ text: String) -> String {
        guard let separator = text.range(of: "://") else { return text }
        let rest = text[separator.upperBound...]
        let authorityEnd = rest.firstIndex { "/?#".contains($0) } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard let at = authority.lastIndex(of: "@") else { return text }
        let userInformation = authority[..<at]
        guard let colon = userInformation.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":***" + String(text[at...])
    }

    package static func == (lhs: Self, rhs: Self) -> Bool { lhs.url == rhs.url }
    package func hash(into hasher: inout Hasher) { hasher.combine(url) }
}

/// Why a `proxies` entry is not a proxy URL, as a clause ("has no port"); it quotes no credential.
package struct HTTPProxyError: Error, Sendable, CustomStringConvertible {
    package var description: String
    init(_ description: String) { self.description = description }
}

/// Which proxy each request goes through (the `proxyRotation` option), and which are left out.
///
/// **Rotation.** `request`: each request (each attempt, each redirect hop) takes the next proxy
/// that is up, in turn. `host`: each host (host and port, as ``HostSchedule`` names it) keeps the
/// proxy it was given while that proxy works; new hosts are given the proxies in turn, so hosts
/// are spread over them; a host whose proxy is down is given the next one, and keeps that.
///
/// **Failures.** A proxy that fails (see ``HTTPFetchError/Code/proxyFailed``) is left out for the
/// `proxyBackoff` option's seconds (``ProxyHealth``, shared by every plugin of the run that uses
/// the same proxy), and the request goes through the next one at once.
package final class ProxyPool: Sendable {
    /// The `proxyRotation` option.
    package enum Rotation: String, Sendable, CaseIterable {
        case request, host
    }

    package let proxies: [HTTPProxy]
    package let rotation: Rotation
    /// How long a proxy that failed is left out.
    package let backoff: Duration

    private struct State {
        var next = 0
        var proxyOfHost: [String: Int] = [:]
    }
    private let state = Mutex(State())

    package init(proxies: [HTTPProxy], rotation: Rotation, backoff: Duration) {
        self.proxies = proxies
        self.rotation = rotation
        self.backoff = backoff
    }

    /// The proxy for the next request to `host`, by the rotation, among those `health` does not
    /// leave out and `tried` does not hold (their indices); nil when none is left.
    package func choose(forHost host: String, excluding tried: Set<Int>, health: ProxyHealth) -> (index: Int, proxy: HTTPProxy)? {
        let down = health.downProxies(among: proxies)
        func usable(_ index: Int) -> Bool { !tried.contains(index) && !down.contains(proxies[index]) }
        return state.withLock { state -> (index: Int, proxy: HTTPProxy)? in
            if rotation == .host, let kept = state.proxyOfHost[host], usable(kept) { return (kept, proxies[kept]) }
            for offset in 0..<proxies.count {
                let index = (state.next + offset) % proxies.count
                guard usable(index) else { continue }
                state.next = (index + 1) % proxies.count
                if rotation == .host { state.proxyOfHost[host] = index }
                return (index, proxies[index])
            }
            return nil
        }
    }
}

/// The proxies of a run that failed, and until when they are left out. One per run, in
/// ``RunServices``: every plugin that goes through a proxy learns of its failure.
package final class ProxyHealth: Sendable {
    private let downUntil = Mutex<[String: ContinuousClock.Instant]>([:])

    package init() {}

    /// Leaves `proxy` out for `duration` from now (or longer, if it already was); returns whether
    /// it was up until now (requests in flight through it fail together: one warning is enough).
    @discardableResult
    package func markDown(_ proxy: HTTPProxy, for duration: Duration) -> Bool {
        let now = ContinuousClock.now
        let until = now + duration
        return downUntil.withLock { downUntil in
            let previous = downUntil[proxy.url]
            downUntil[proxy.url] = max(previous ?? until, until)
            return previous.map { $0 <= now } ?? true
        }
    }

    /// Those of `proxies` left out now.
    package func downProxies(among proxies: [HTTPProxy]) -> Set<HTTPProxy> {
        let now = ContinuousClock.now
        return downUntil.withLock { downUntil in
            Set(proxies.filter { proxy in downUntil[proxy.url].map { $0 > now } ?? false })
        }
    }

    /// How long `proxy` is still left out, or nil when it is not.
    package func remaining(_ proxy: HTTPProxy) -> Duration? {
        let now = ContinuousClock.now
        return downUntil.withLock { $0[proxy.url] }.flatMap { $0 > now ? $0 - now : nil }
    }
}

// MARK: - The target of a proxied request

extension DestinationPolicy {
    /// What a request through a proxy may be sent to, checked before it is sent.
    ///
    /// Through a proxy libcurl connects to the proxy only (the proxies are named by the user, so
    /// any address of theirs is allowed), and the open-socket check never sees the target's
    /// address. So the target is checked here: a literal address as it is; a name is resolved here
    /// (the system's resolver) and every address it has must pass the policy. A name that does not
    /// resolve here is sent only for a host the user named (``hostIsNamed``, ``hostIsAllowed``:
    /// the proxy may reach what this machine cannot, such as `.onion` names); otherwise the
    /// request fails as a DNS failure would. With `socks5://` the addresses checked are the ones
    /// libcurl uses (pinned with `CURLOPT_RESOLVE`), so a DNS answer that changes cannot get past;
    /// with `socks5h://` and HTTP proxies the proxy resolves the name again, and the check is
    /// this machine's view of it (a proxy on a network where public names resolve to private
    /// addresses is the user's to choose).
    ///
    /// Returns the addresses to pin (empty when nothing was resolved here), or throws
    /// ``HTTPFetchError/addressRefused(url:address:kind:)`` or a DNS ``HTTPFetchError/networkFailure(url:curlCode:message:)``.
    package func checkedTarget(url: String, hostName name: String) async throws(HTTPFetchError) -> [Address] {
        let unbracketed = name.hasPrefix("[") ? String(name.dropFirst().dropLast()) : name
        if let literal = Address(unbracketed) {
            if let kind = refusal(of: literal) { throw .addressRefused(url: url, address: literal.description, kind: kind.rawValue) }
            return []
        }
        if hostIsAllowed { return [] }
        let addresses = await Self.resolve(unbracketed)
        guard !addresses.isEmpty else {
            if hostIsNamed { return [] }
            throw .networkFailure(
                url: url, curlCode: 6,
                message:
                    "the name \(unbracketed) does not resolve here; through a proxy, a host the pipeline does not name is reached only when its name resolves here to addresses the destination policy allows (option allowPrivate)"
            )
        }
        for address in addresses {
            if let kind = refusal(of: address) { throw .addressRefused(url: url, address: address.description, kind: kind.rawValue) }
        }
        return addresses
    }

    /// The addresses the system's resolver gives `name` (none when it fails), looked up on a
    /// dispatch queue (`getaddrinfo` blocks, which the cooperative pool must not).
    package static func resolve(_ name: String) async -> [Address] {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .utility).async {
                continuation.resume(returning: resolveBlocking(name))
            }
        }
    }

    private static func resolveBlocking(_ name: String) -> [Address] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(name, nil, &hints, &list) == 0, let first = list else { return [] }
        defer { freeaddrinfo(first) }
        var addresses: [Address] = []
        var current: UnsafeMutablePointer<addrinfo>? = first
        while let entry = current {
            if let socketAddress = entry.pointee.ai_addr {
                let raw = UnsafeRawPointer(socketAddress)
                if entry.pointee.ai_family == AF_INET {
                    addresses.append(Address(bytes: Array(UnsafeRawBufferPointer(start: raw + 4, count: 4))))
                } else if entry.pointee.ai_family == AF_INET6 {
                    addresses.append(Address(bytes: Array(UnsafeRawBufferPointer(start: raw + 8, count: 16))))
                }
            }
            current = entry.pointee.ai_next
        }
        var unique: [Address] = []
        for address in addresses where !unique.contains(address) { unique.append(address) }
        return unique
    }
}
