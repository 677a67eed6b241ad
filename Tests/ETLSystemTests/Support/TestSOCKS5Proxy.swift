import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A SOCKS5 proxy on 127.0.0.1 for the tests (RFC 1928, CONNECT only; with ``Credentials``, RFC
/// 1929 user name and password, else no authentication), on blocking sockets and a thread per
/// connection. It relays each tunnel and records it (``tunnels``), with the local port of its own
/// connection to the target: the port the target server sees the request come from
/// (``TestRequest/remotePort``). The same port is an HTTP proxy too, told apart by the first byte
/// (a SOCKS5 greeting starts with 5): `CONNECT host:port`, or an absolute-form request
/// (`GET http://host:port/path`), forwarded in origin form without its `Proxy-*` fields, the rest
/// of the connection relayed as it comes; with ``Credentials``, `Proxy-Authorization: Basic` is
/// required (else 407).
final class TestSOCKS5Proxy: Sendable {
    /// What the proxy asks clients for.
    struct Credentials: Sendable {
        var user: String
        var password: String
    }

    /// One CONNECT the proxy relayed.
    struct Tunnel: Sendable {
        /// The target as the client sent it: a name (`socks5h://`) or an address (`socks5://`).
        var target: String
        var port: Int
        /// Whether the client sent a name (address type 3) rather than an address.
        var isName: Bool
        /// The local port of the proxy's connection to the target.
        var outboundPort: Int
    }

    private struct State {
        var tunnels: [Tunnel] = []
        var rejectedLogins = 0
        var sockets: Set<Int32> = []
        var stopped = false
    }

    let credentials: Credentials?
    let port: Int
    private let listener: Int32
    private let state = Mutex(State())

    /// Starts listening on 127.0.0.1 at a free port.
    init(credentials: Credentials? = nil) throws {
        self.credentials = credentials
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw ProxyTestError("socket: \(errno)") }
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 64) == 0, let port = Self.localPort(of: listener) else {
            Glibc.close(listener)
            throw ProxyTestError("cannot listen on 127.0.0.1")
        }
        self.listener = listener
        self.port = port
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "test-socks5"
        thread.start()
    }

    /// Runs `body` with a proxy, stopped afterwards.
    static func run<T: Sendable>(credentials: Credentials? = nil, _ body: (TestSOCKS5Proxy) async throws -> T) async throws -> T {
        let proxy = try TestSOCKS5Proxy(credentials: credentials)
        defer { proxy.stop() }
        return try await body(proxy)
    }

    /// The proxy's URL with `scheme` (`socks5h`, `socks5`) and, if given, credentials in it.
    func url(_ scheme: String = "socks5h", user: String? = nil, password: String? = nil) -> String {
        let userInformation = user.map { user in password.map { "\(user):\($0)@" } ?? "\(user)@" } ?? ""
        return "\(scheme)://\(userInformation)127.0.0.1:\(port)"
    }

    var tunnels: [Tunnel] { state.withLock { $0.tunnels } }
    var rejectedLogins: Int { state.withLock { $0.rejectedLogins } }

    /// Stops listening and shuts every connection down (their threads close them); again, nothing.
    func stop() {
        let sockets = state.withLock { state -> Set<Int32>? in
            guard !state.stopped else { return nil }
            state.stopped = true
            return state.sockets
        }
        // Once only: a closed descriptor's number may be another's by now.
        guard let sockets else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        Glibc.close(listener)
        for socket in sockets { shutdown(socket, Int32(SHUT_RDWR)) }
    }

    /// Runs `body` with a port of 127.0.0.1 that is bound but not listening for as long as it runs:
    /// a connection to it is refused, and no other test's server can take the port meanwhile (a
    /// port merely closed may be a new server's by the time it is asked).
    static func withRefusingPort<T>(_ body: (Int) async throws -> T) async throws -> T {
        let holder = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { Glibc.close(holder) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(holder, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, let port = localPort(of: holder) else { throw ProxyTestError("no free port") }
        return try await body(port)
    }

    /// A port of 127.0.0.1 on which nothing listens (a dead proxy): bound, then closed.
    static func closedPort() throws -> Int {
        let probe = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { Glibc.close(probe) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(probe, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard let port = localPort(of: probe) else { throw ProxyTestError("no free port") }
        return port
    }

    // MARK: The connections

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else {
                if errno == EINTR { continue }
                return
            }
            let admitted = state.withLock { state -> Bool in
                guard !state.stopped else { return false }
                state.sockets.insert(client)
                return true
            }
            guard admitted else {
                Glibc.close(client)
                return
            }
            let thread = Thread { [self] in
                serve(client)
                forget(client)
            }
            thread.start()
        }
    }

    private func forget(_ socket: Int32) {
        _ = state.withLock { $0.sockets.remove(socket) }
        Glibc.close(socket)
    }

    private func serve(_ client: Int32) {
        guard let first = Self.read(client, 1) else { return }
        guard first[0] == 5 else { return serveHTTP(client, first: first[0]) }
        // Greeting: version 5, the methods offered.
        guard let count = Self.read(client, 1), let methods = Self.read(client, Int(count[0])) else { return }
        if let credentials {
            guard methods.contains(2) else {
                _ = Self.write(client, [5, 0xFF])
                return
            }
            _ = Self.write(client, [5, 2])
            guard let version = Self.read(client, 1), version[0] == 1, let userLength = Self.read(client, 1),
                let user = Self.read(client, Int(userLength[0])), let passwordLength = Self.read(client, 1),
                let password = Self.read(client, Int(passwordLength[0]))
            else { return }
            guard String(decoding: user, as: UTF8.self) == credentials.user, String(decoding: password, as: UTF8.self) == credentials.password else {
                state.withLock { $0.rejectedLogins += 1 }
                _ = Self.write(client, [1, 1])
                return
            }
            _ = Self.write(client, [1, 0])
        } else {
            guard methods.contains(0) else {
                _ = Self.write(client, [5, 0xFF])
                return
            }
            _ = Self.write(client, [5, 0])
        }
        // Request: version, command (1: CONNECT), reserved, address type, address, port.
        guard let request = Self.read(client, 4), request[0] == 5 else { return }
        guard request[1] == 1 else {
            _ = Self.write(client, [5, 7, 0, 1, 0, 0, 0, 0, 0, 0])
            return
        }
        let target: String
        switch request[3] {
        case 1:
            guard let bytes = Self.read(client, 4) else { return }
            target = bytes.map(String.init).joined(separator: ".")
        case 3:
            guard let length = Self.read(client, 1), let name = Self.read(client, Int(length[0])) else { return }
            target = String(decoding: name, as: UTF8.self)
        case 4:
            guard let bytes = Self.read(client, 16) else { return }
            var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            guard inet_ntop(AF_INET6, bytes, &buffer, socklen_t(buffer.count)) != nil else { return }
            target = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        default:
            _ = Self.write(client, [5, 8, 0, 1, 0, 0, 0, 0, 0, 0])
            return
        }
        guard let portBytes = Self.read(client, 2) else { return }
        let port = Int(portBytes[0]) << 8 | Int(portBytes[1])
        guard let outbound = Self.connect(to: target, port: port) else {
            _ = Self.write(client, [5, 5, 0, 1, 0, 0, 0, 0, 0, 0])  // connection refused
            return
        }
        let admitted = state.withLock { state -> Bool in
            guard !state.stopped else { return false }
            state.sockets.insert(outbound)
            state.tunnels.append(Tunnel(target: target, port: port, isName: request[3] == 3, outboundPort: Self.localPort(of: outbound) ?? 0))
            return true
        }
        guard admitted else {
            Glibc.close(outbound)
            return
        }
        defer { forget(outbound) }
        guard Self.write(client, [5, 0, 0, 1, 127, 0, 0, 1, 0, 0]) else { return }
        Self.relay(client, outbound)
    }

    /// An HTTP proxy's request: CONNECT, or an absolute-form request forwarded in origin form.
    private func serveHTTP(_ client: Int32, first: UInt8) {
        var head = [first]
        while !head.suffix(4).elementsEqual([13, 10, 13, 10]) {
            guard head.count < 65536, let byte = Self.read(client, 1) else { return }
            head.append(byte[0])
        }
        let lines = String(decoding: head, as: UTF8.self).components(separatedBy: "\r\n").filter { !$0.isEmpty }
        let requestLine = lines[0].split(separator: " ").map(String.init)
        guard requestLine.count == 3 else { return }
        let fields = lines.dropFirst()
        if let credentials {
            let expected = "Basic " + Data("\(credentials.user):\(credentials.password)".utf8).base64EncodedString()
            let given = fields.first { $0.lowercased().hasPrefix("proxy-authorization:") }
                .map { String($0.dropFirst("proxy-authorization:".count)).trimmingCharacters(in: .whitespaces) }
            guard given == expected else {
                state.withLock { $0.rejectedLogins += 1 }
                _ = Self.write(
                    client,
                    Array(
                        "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                            .utf8))
                return
            }
        }
        let authority: Substring
        var forwarded: [UInt8] = []
        if requestLine[0] == "CONNECT" {
            authority = Substring(requestLine[1])
        } else {
            guard let rest = requestLine[1].split(separator: "://", maxSplits: 1).last, requestLine[1].contains("://") else { return }
            authority = rest.prefix { $0 != "/" }
            let path = rest.dropFirst(authority.count)
            let kept = fields.filter { !$0.lowercased().hasPrefix("proxy-") }
            forwarded =
                Array(([requestLine[0] + " " + (path.isEmpty ? "/" : String(path)) + " " + requestLine[2]] + kept).joined(separator: "\r\n").utf8) + [
                    13, 10, 13, 10,
                ]
        }
        guard let colon = authority.lastIndex(of: ":"), let port = Int(authority[authority.index(after: colon)...]) else { return }
        var host = String(authority[..<colon])
        if host.hasPrefix("[") { host = String(host.dropFirst().dropLast()) }
        guard let outbound = Self.connect(to: host, port: port) else {
            _ = Self.write(client, Array("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8))
            return
        }
        let admitted = state.withLock { state -> Bool in
            guard !state.stopped else { return false }
            state.sockets.insert(outbound)
            let isName = host.allSatisfy { $0.isLetter || $0 == "." || $0 == "-" || $0.isNumber } && host.contains { $0.isLetter }
            state.tunnels.append(Tunnel(target: host, port: port, isName: isName, outboundPort: Self.localPort(of: outbound) ?? 0))
            return true
        }
        guard admitted else {
            Glibc.close(outbound)
            return
        }
        defer { forget(outbound) }
        if requestLine[0] == "CONNECT" {
            guard Self.write(client, Array("HTTP/1.1 200 Connection established\r\n\r\n".utf8)) else { return }
        } else {
            guard Self.write(outbound, forwarded) else { return }
        }
        Self.relay(client, outbound)
    }

    /// Copies bytes both ways until either side closes.
    private static func relay(_ first: Int32, _ second: Int32) {
        var buffer = [UInt8](repeating: 0, count: 65536)
        var descriptors = [pollfd(fd: first, events: Int16(POLLIN), revents: 0), pollfd(fd: second, events: Int16(POLLIN), revents: 0)]
        while true {
            guard poll(&descriptors, 2, -1) > 0 else {
                if errno == EINTR { continue }
                return
            }
            for index in 0..<2 where descriptors[index].revents != 0 {
                let count = recv(descriptors[index].fd, &buffer, buffer.count, 0)
                guard count > 0, write(descriptors[1 - index].fd, Array(buffer[0..<count])) else { return }
            }
        }
    }

    private static func connect(to host: String, port: Int) -> Int32? {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else { return nil }
        defer { freeaddrinfo(first) }
        var current: UnsafeMutablePointer<addrinfo>? = first
        while let entry = current {
            let descriptor = socket(entry.pointee.ai_family, entry.pointee.ai_socktype, entry.pointee.ai_protocol)
            if descriptor >= 0 {
                if Glibc.connect(descriptor, entry.pointee.ai_addr, entry.pointee.ai_addrlen) == 0 { return descriptor }
                Glibc.close(descriptor)
            }
            current = entry.pointee.ai_next
        }
        return nil
    }

    private static func read(_ socket: Int32, _ count: Int) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: count)
        var received = 0
        while received < count {
            let got = bytes.withUnsafeMutableBytes { recv(socket, $0.baseAddress! + received, count - received, 0) }
            guard got > 0 else { return nil }
            received += got
        }
        return bytes
    }

    private static func write(_ socket: Int32, _ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let count = bytes.withUnsafeBytes { send(socket, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { return false }
            sent += count
        }
        return true
    }

    private static func localPort(of socket: Int32) -> Int? {
        var address = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        guard result == 0 else { return nil }
        return withUnsafePointer(to: &address) { pointer in
            // sin_port and sin6_port sit at the same offset, in network order.
            pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
        }
    }
}

/// A test proxy that could not start.
struct ProxyTestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
