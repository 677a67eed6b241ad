import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A request as the ``TestHTTPServer`` received it.
struct TestRequest: Sendable {
    var method: String
    /// The request target: path and query (`/page?id=1`).
    var path: String
    /// Headers in the order received, names in lower case.
    var headers: [(name: String, value: String)]
    /// When the request head arrived.
    var arrival: ContinuousClock.Instant
    /// The client's port: which connection the request came on (a proxy's, through one).
    var remotePort: Int? = nil

    /// The last value of a header, by case-insensitive name.
    func header(_ name: String) -> String? {
        let name = name.lowercased()
        return headers.last { $0.name == name }?.value
    }
}

/// A fault a route can inject instead of (or into) a normal answer.
enum TestFault: Sendable {
    /// Close the connection without answering (a clean FIN: curl sees an empty reply).
    case close
    /// Abort the connection without answering (SO_LINGER 0: a TCP reset).
    case reset
    /// Send the head, then the body `chunkSize` bytes at a time, one chunk per `interval`.
    case trickle(chunkSize: Int, interval: Duration)
    /// Send these bytes as the whole response, then close: for answers no HTTP encoder writes (a
    /// malformed status line, broken chunked encoding, oversized headers).
    case raw([UInt8])
}

/// What a route answers.
struct TestResponse: Sendable {
    var status: Int
    /// Sent as given. `content-length` is added unless a `content-length` or `transfer-encoding`
    /// header is present (`transfer-encoding: chunked` makes the body chunked).
    var headers: [(name: String, value: String)]
    var body: [UInt8]
    /// How long the server waits before answering.
    var delay: Duration?
    /// A fault to inject (after the delay, if any).
    var fault: TestFault?

    init(status: Int = 200, headers: [(name: String, value: String)] = [], body: [UInt8] = [], delay: Duration? = nil, fault: TestFault? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
        self.delay = delay
        self.fault = fault
    }

    /// No answer: the connection is closed (`.close`) or reset (`.reset`).
    static func fault(_ fault: TestFault) -> TestResponse {
        TestResponse(fault: fault)
    }

    /// A page with status 200 and a Content-Type.
    static func html(_ body: [UInt8], contentType: String = "text/html; charset=utf-8", delay: Duration? = nil) -> TestResponse {
        TestResponse(headers: [(name: "content-type", value: contentType)], body: body, delay: delay)
    }

    /// A page with status 200 from text, sent as UTF-8.
    static func html(_ text: String, delay: Duration? = nil) -> TestResponse {
        html(Array(text.utf8), delay: delay)
    }

    /// A redirect (302 unless told) to `location`, which may be relative.
    static func redirect(to location: String, status: Int = 302, headers: [(name: String, value: String)] = []) -> TestResponse {
        TestResponse(status: status, headers: [(name: "location", value: location)] + headers)
    }

    static let notFound = TestResponse(status: 404, headers: [(name: "content-type", value: "text/plain")], body: Array("not found".utf8))
}

/// One request and when the server answered it.
struct TestExchange: Sendable {
    var request: TestRequest
    /// When the response was written; nil until then (and for a request whose client went away).
    var responded: ContinuousClock.Instant?
}

/// A real HTTP/1.1 server on 127.0.0.1 for fetcher tests, on swift-nio.
///
/// The OS picks the port (``port``); ``url(_:)`` builds URLs to it. Routes are one closure from
/// request to response; a response can be delayed. Every request is logged with its arrival and
/// response times (``exchanges``), so tests can check politeness from the server's side.
///
/// ```swift
/// try await TestHTTPServer.run(routes: { _ in .html("<p>hi</p>") }) { server in
///     _ = try await fetcher.fetch(Record(url: server.url("/"), source: "test"), context: context)
/// }
/// ```
final class TestHTTPServer: Sendable {
    /// The routes, called on the server's event loop: keep them quick and use ``TestResponse/delay``
    /// to be slow.
    let routes: @Sendable (TestRequest) -> TestResponse

    private struct Running: Sendable {
        var group: MultiThreadedEventLoopGroup
        var channel: any Channel
        var port: Int
    }

    private let running = Mutex<Running?>(nil)
    private let log = Mutex<[TestExchange]>([])

    /// The loopback address the server binds (any of 127.0.0.0/8 on Linux).
    let host: String

    init(host: String = "127.0.0.1", routes: @escaping @Sendable (TestRequest) -> TestResponse) {
        self.host = host
        self.routes = routes
    }

    /// Starts a server, runs `body` with it, and stops it, also when `body` throws.
    static func run<T: Sendable>(
        host: String = "127.0.0.1", routes: @escaping @Sendable (TestRequest) -> TestResponse,
        _ body: (TestHTTPServer) async throws -> T
    ) async throws -> T {
        let server = TestHTTPServer(host: host, routes: routes)
        try await server.start()
        do {
            let result = try await body(server)
            try await server.stop()
            return result
        } catch {
            try? await server.stop()
            throw error
        }
    }

    /// Binds ``host`` on a port the OS picks and starts answering.
    func start() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(TestHTTPHandler(server: self))
                }
            }
            .bind(host: host, port: 0)
            .get()
        guard let port = channel.localAddress?.port else {
            try? await channel.close()
            try? await group.shutdownGracefully()
            throw TestHTTPServerError.noPort
        }
        running.withLock { $0 = Running(group: group, channel: channel, port: port) }
    }

    /// Closes the listening socket and every connection.
    func stop() async throws {
        guard
            let current = running.withLock({ state -> Running? in
                defer { state = nil }
                return state
            })
        else { return }
        try? await current.channel.close()
        try await current.group.shutdownGracefully()
    }

    /// The bound port; 0 before ``start()``.
    var port: Int {
        running.withLock { $0?.port ?? 0 }
    }

    /// `http://HOST:PORT` followed by `path` (which starts with `/`).
    func url(_ path: String) -> String {
        "http://\(host):\(port)\(path)"
    }

    /// Every request so far, in arrival order.
    var exchanges: [TestExchange] {
        log.withLock { $0 }
    }

    /// The most requests that were in progress at the same moment (arrived, not yet answered).
    var maximumRequestsInProgress: Int {
        let exchanges = self.exchanges
        return exchanges.map { exchange in
            exchanges.filter { other in
                other.request.arrival <= exchange.request.arrival
                    && (other.responded.map { $0 > exchange.request.arrival } ?? true)
            }.count
        }.max() ?? 0
    }

    /// Logs a request; returns its index for ``markResponded(_:)``.
    fileprivate func record(_ request: TestRequest) -> Int {
        log.withLock { log in
            log.append(TestExchange(request: request, responded: nil))
            return log.count - 1
        }
    }

    fileprivate func markResponded(_ index: Int) {
        let now = ContinuousClock.now
        log.withLock { $0[index].responded = now }
    }
}

enum TestHTTPServerError: Error {
    case noPort
}

/// Answers each request on a connection with the server's routes. Lives on the channel's event loop.
private final class TestHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let server: TestHTTPServer
    private var head: HTTPRequestHead?
    private var arrival = ContinuousClock.now

    init(server: TestHTTPServer) {
        self.server = server
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            arrival = .now
        case .body:
            break
        case .end:
            guard let head else { return }
            self.head = nil
            let request = TestRequest(
                method: head.method.rawValue,
                path: head.uri,
                headers: head.headers.map { (name: $0.name.lowercased(), value: $0.value) },
                arrival: arrival,
                remotePort: context.remoteAddress?.port
            )
            let index = server.record(request)
            let response = server.routes(request)
            if let delay = response.delay {
                context.eventLoop.assumeIsolated().scheduleTask(in: Self.timeAmount(delay)) {
                    self.respond(response, to: head, index: index, context: context)
                }
            } else {
                respond(response, to: head, index: index, context: context)
            }
        }
    }

    private static func timeAmount(_ duration: Duration) -> TimeAmount {
        .nanoseconds(duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }

    private func respond(_ response: TestResponse, to request: HTTPRequestHead, index: Int, context: ChannelHandlerContext) {
        // A client that timed out has gone: nothing to answer.
        guard context.channel.isActive else { return }
        switch response.fault {
        case .close:
            context.close(promise: nil)
            return
        case .reset:
            guard let provider = context.channel as? any SocketOptionProvider else {
                context.close(promise: nil)
                return
            }
            provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).assumeIsolated().whenComplete { _ in
                context.close(promise: nil)
            }
            return
        case .trickle(let chunkSize, let interval):
            trickle(response, to: request, index: index, chunkSize: max(1, chunkSize), interval: interval, context: context)
            return
        case .raw(let bytes):
            // Written below the response encoder, which only takes response parts.
            guard let encoder = try? context.pipeline.syncOperations.context(handlerType: HTTPResponseEncoder.self) else {
                context.close(promise: nil)
                return
            }
            server.markResponded(index)
            encoder.writeAndFlush(NIOAny(ByteBuffer(bytes: bytes))).assumeIsolated().whenComplete { _ in
                context.close(promise: nil)
            }
            return
        case nil:
            break
        }
        var headers = HTTPHeaders(response.headers.map { ($0.name, $0.value) })
        if !headers.contains(name: "content-length"), !headers.contains(name: "transfer-encoding") {
            headers.add(name: "content-length", value: String(response.body.count))
        }
        let head = HTTPResponseHead(version: request.version, status: HTTPResponseStatus(statusCode: response.status), headers: headers)
        server.markResponded(index)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if !response.body.isEmpty {
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: response.body)))), promise: nil)
        }
        let keepAlive = request.isKeepAlive
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
            if !keepAlive { context.close(promise: nil) }
        }
    }

    /// The head at once (with the full Content-Length), then the body a chunk per interval.
    private func trickle(_ response: TestResponse, to request: HTTPRequestHead, index: Int, chunkSize: Int, interval: Duration, context: ChannelHandlerContext)
    {
        var headers = HTTPHeaders(response.headers.map { ($0.name, $0.value) })
        if !headers.contains(name: "content-length"), !headers.contains(name: "transfer-encoding") {
            headers.add(name: "content-length", value: String(response.body.count))
        }
        server.markResponded(index)
        context.writeAndFlush(
            wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: HTTPResponseStatus(statusCode: response.status), headers: headers))),
            promise: nil)
        let loop = context.eventLoop.assumeIsolated()
        func send(from offset: Int) {
            guard context.channel.isActive else { return }
            guard offset < response.body.count else {
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                return
            }
            let end = min(offset + chunkSize, response.body.count)
            context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: response.body[offset..<end])))), promise: nil)
            loop.scheduleTask(in: Self.timeAmount(interval)) { send(from: end) }
        }
        send(from: 0)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
