import ETLKit
import Foundation

/// Which addresses one request may connect to.
///
/// Checked on the address libcurl is about to connect to, after DNS (see ``CurlMultiClient``), so
/// no spelling of a host (`localhost`, `2130706433`, `[::ffff:127.0.0.1]`, a name that resolves to
/// 10.0.0.5, a DNS answer that changes between two requests) gets past it. Public addresses are
/// always allowed. Loopback, private, unspecified, multicast and reserved addresses are allowed
/// only for a host the user named (``NamedHosts``: the pipeline's sources, a URL list, the command
/// line) or covered by the fetcher's `allowPrivate` option; link-local addresses (169.254.0.0/16,
/// fe80::/10: cloud metadata services live there) only by that option.
package struct DestinationPolicy: Sendable {
    /// What an address is, for the policy and for the reason of a refusal.
    package enum Kind: String, Sendable {
        case `public`, loopback, `private`
        case linkLocal = "link-local"
        case unspecified, multicast, reserved
    }

    /// An IPv4 (4 bytes) or IPv6 (16 bytes) address.
    package struct Address: Sendable, Equatable, CustomStringConvertible {
        package var bytes: [UInt8]

        /// An address written as text (`10.0.0.1`, `::1`, `[::1]`), or nil.
        package init?(_ text: String) {
            var text = Substring(text)
            if text.hasPrefix("[") && text.hasSuffix("]") { text = text.dropFirst().dropLast() }
            var storage = [UInt8](repeating: 0, count: 16)
            if inet_pton(AF_INET, String(text), &storage) == 1 {
                bytes = Array(storage.prefix(4))
            } else if inet_pton(AF_INET6, String(text), &storage) == 1 {
                bytes = storage
            } else {
                return nil
            }
        }

        package init(bytes: [UInt8]) {
            self.bytes = bytes
        }

        package var description: String {
            var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            let family = bytes.count == 4 ? AF_INET : AF_INET6
            guard inet_ntop(family, bytes, &buffer, socklen_t(buffer.count)) != nil else { return "?" }
            return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }

        /// The IPv4 address inside an IPv4-mapped (`::ffff:0:0/96`), IPv4-compatible (`::/96`) or
        /// NAT64 (`64:ff9b::/96`) IPv6 address, which reach an IPv4 host.
        package var embeddedIPv4: Address? {
            guard bytes.count == 16 else { return nil }
            let prefix = bytes.prefix(12)
            let mapped = prefix.prefix(10).allSatisfy { $0 == 0 } && bytes[10] == 0xFF && bytes[11] == 0xFF
            let compatible = prefix.allSatisfy { $0 == 0 } && bytes[12...].contains { $0 != 0 } && !(bytes[12...15] == [0, 0, 0, 1])
            let nat64 = prefix.elementsEqual([0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0])
            return mapped || compatible || nat64 ? Address(bytes: Array(bytes[12...])) : nil
        }

        package var kind: Kind {
            if let inner = embeddedIPv4 { return inner.kind }
            if bytes.count == 4 {
                let (a, b) = (bytes[0], bytes[1])
                switch a {
                case 0: return .unspecified
                case 127: return .loopback
                case 10: return .private
                case 100 where b & 0xC0 == 64: return .private  // 100.64.0.0/10, carrier-grade NAT
                case 169 where b == 254: return .linkLocal
                case 172 where b & 0xF0 == 16: return .private
                case 192 where b == 168: return .private
                case 224...239: return .multicast
                case 240...255: return .reserved
                default: return .public
                }
            }
            if bytes.allSatisfy({ $0 == 0 }) { return .unspecified }
            if bytes.prefix(15).allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return .loopback }
            switch (bytes[0], bytes[1] & 0xC0) {
            case (0xFF, _): return .multicast
            case (0xFE, 0x80): return .linkLocal
            case (0xFE, 0xC0): return .private  // fec0::/10, site-local (deprecated)
            case (0xFC, _), (0xFD, _): return .private  // fc00::/7, unique local
            default: return .public
            }
        }
    }

    /// An address block (`10.0.0.0/8`, `fd00::/8`, one address as /32 or /128).
    package struct Network: Sendable, Equatable {
        package var address: Address
        package var prefixLength: Int

        /// `text` as a network (`10.0.0.0/8`) or one address, or nil.
        package init?(_ text: String) {
            let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            guard let address = Address(String(parts[0])) else { return nil }
            let maximum = address.bytes.count * 8
            if parts.count == 2 {
                guard let length = Int(parts[1]), (0...maximum).contains(length) else { return nil }
                prefixLength = length
            } else {
                prefixLength = maximum
            }
            self.address = address
        }

        package func contains(_ candidate: Address) -> Bool {
            let candidate = candidate.bytes.count == address.bytes.count ? candidate : candidate.embeddedIPv4 ?? candidate
            guard candidate.bytes.count == address.bytes.count else { return false }
            var remaining = prefixLength
            for (mine, theirs) in zip(address.bytes, candidate.bytes) where remaining > 0 {
                let mask: UInt8 = remaining >= 8 ? 0xFF : ~(0xFF >> UInt8(remaining))
                guard mine & mask == theirs & mask else { return false }
                remaining -= 8
            }
            return true
        }
    }

    /// The user named the request's host: any address but a link-local one is allowed.
    package var hostIsNamed = false
    /// The `allowPrivate` option named the request's host: any address is allowed.
    package var hostIsAllowed = false
    /// Networks of the `allowPrivate` option: addresses in them are allowed.
    package var networks: [Network] = []

    package init(hostIsNamed: Bool = false, hostIsAllowed: Bool = false, networks: [Network] = []) {
        self.hostIsNamed = hostIsNamed
        self.hostIsAllowed = hostIsAllowed
        self.networks = networks
    }

    /// Nil when the request may connect to `address`, else what the address is.
    package func refusal(of address: Address) -> Kind? {
        let kind = address.kind
        if kind == .public || hostIsAllowed { return nil }
        if hostIsNamed && kind != .linkLocal { return nil }
        if networks.contains(where: { $0.contains(address) }) { return nil }
        return kind
    }

    /// The entries of an `allowPrivate` option, split into networks and host names; throws for an
    /// entry that is neither.
    package static func allowances(_ entries: [String]) throws -> (networks: [Network], hosts: Set<String>) {
        var networks: [Network] = []
        var hosts: Set<String> = []
        for entry in entries.map({ $0.trimmingWhitespace() }) {
            if let network = Network(entry) {
                networks.append(network)
            } else if !entry.isEmpty, !entry.contains("/"),
                entry.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "." || $0 == "-") })
            {
                hosts.insert(entry.lowercased())
            } else {
                throw OptionError(option: "allowPrivate", "has \"\(entry)\", which is neither a host name, an IP address nor a network such as 10.0.0.0/8")
            }
        }
        return (networks, hosts)
    }
}
