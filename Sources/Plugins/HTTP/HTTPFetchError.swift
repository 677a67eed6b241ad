import ETLKit

/// Why the `http` fetcher could not fetch a URL. The message, which always names the URL, becomes
/// the dead-letter reason.
///
/// A struct with a ``code`` (``CodedError``), not an enum, so that new kinds of failure can be
/// added without breaking a caller's `switch`; test the code and read the context properties:
/// `if error.code == .httpStatus, error.status == 404 { … }`.
public struct HTTPFetchError: CodedError, Equatable {
    public typealias Code = ErrorCode<HTTPFetchError>

    public let code: Code
    public let message: String
    /// The URL that was requested.
    public let url: String
    /// How many requests were made for the URL: more than one only when the fetch was retried,
    /// none when robots.txt disallowed it.
    public let attempts: Int
    /// The HTTP status for ``Code/httpStatus`` and ``Code/retryAfterTooLong`` (also when behind a
    /// redirect or retries), else nil.
    public let status: Int?
    /// libcurl's `CURLcode` for ``Code/networkFailure`` and ``Code/protocolViolation``, else nil.
    public let curlCode: Int?
    /// Where a redirect led: the Location of ``Code/redirectRefused`` and ``Code/afterRedirect``,
    /// else nil.
    public let target: String?
    /// The detail behind the code: the robots.txt rule that decided (``Code/robotsDisallowed``), why
    /// robots.txt could not be read (``Code/robotsUnreachable``), why a redirect was not followed
    /// (``Code/redirectRefused``), libcurl's explanation (``Code/networkFailure``,
    /// ``Code/protocolViolation``, ``Code/timedOut``); else nil.
    public let reason: String?
    /// The proxy (its URL without the password) of ``Code/proxyFailed``, else nil.
    public let proxy: String?
    /// The error after the redirect (``Code/afterRedirect``), or the last attempt's
    /// (``Code/failedAfterAttempts``): an ``HTTPFetchError`` (``wrapped``); else nil.
    public let underlying: (any Error)?

    /// ``underlying`` as the fetch error it is.
    public var wrapped: HTTPFetchError? { underlying as? HTTPFetchError }

    private init(
        _ code: Code, _ message: String, url: String, attempts: Int = 1, status: Int? = nil, curlCode: Int? = nil,
        target: String? = nil, reason: String? = nil, proxy: String? = nil, wrapped: HTTPFetchError? = nil
    ) {
        self.proxy = proxy
        self.code = code
        self.message = message
        self.url = url
        self.attempts = attempts
        self.status = status
        self.curlCode = curlCode
        self.target = target
        self.reason = reason
        underlying = wrapped
    }

    /// An error about `url` whose message is "cannot fetch `url`: `reason`".
    private init(
        _ code: Code, url: String, saying reason: String, attempts: Int = 1, status: Int? = nil, curlCode: Int? = nil,
        target: String? = nil, detail: String? = nil, proxy: String? = nil, wrapped: HTTPFetchError? = nil
    ) {
        self.init(
            code, "cannot fetch \(url): \(reason)", url: url, attempts: attempts, status: status, curlCode: curlCode,
            target: target, reason: detail, proxy: proxy, wrapped: wrapped)
    }

    /// See ``Code/invalidURL``.
    public static func invalidURL(_ url: String) -> HTTPFetchError {
        HTTPFetchError(.invalidURL, url: url, saying: "not an http or https URL with a host", attempts: 0)
    }

    /// See ``Code/networkFailure``.
    public static func networkFailure(url: String, curlCode: Int, message: String) -> HTTPFetchError {
        HTTPFetchError(.networkFailure, url: url, saying: "\(message) (curl error \(curlCode))", curlCode: curlCode, detail: message)
    }

    /// See ``Code/protocolViolation``.
    public static func protocolViolation(url: String, curlCode: Int, message: String) -> HTTPFetchError {
        HTTPFetchError(
            .protocolViolation, url: url, saying: "the response breaks HTTP: \(message) (curl error \(curlCode)); not retried",
            curlCode: curlCode, detail: message)
    }

    /// See ``Code/timedOut``.
    public static func timedOut(url: String, message: String) -> HTTPFetchError {
        HTTPFetchError(.timedOut, url: url, saying: "timed out: \(message)", detail: message)
    }

    /// See ``Code/httpStatus``.
    public static func httpStatus(url: String, finalURL: String, status: Int) -> HTTPFetchError {
        let redirected = finalURL == url ? "" : " (redirected to \(finalURL))"
        return HTTPFetchError(.httpStatus, url: url, saying: "HTTP status \(status)\(redirected)", status: status)
    }

    /// See ``Code/tooLarge``.
    public static func tooLarge(url: String, limit: Int) -> HTTPFetchError {
        HTTPFetchError(.tooLarge, url: url, saying: "the body is larger than \(limit) bytes (option maxBytes)")
    }

    /// See ``Code/tooManyRedirects``.
    public static func tooManyRedirects(url: String, limit: Int) -> HTTPFetchError {
        HTTPFetchError(.tooManyRedirects, url: url, saying: "more than \(limit) redirects (option maxRedirects)")
    }

    /// See ``Code/redirectRefused``.
    public static func redirectRefused(url: String, target: String, reason: String) -> HTTPFetchError {
        HTTPFetchError(.redirectRefused, url: url, saying: "redirected to \(target), not followed: \(reason)", target: target, detail: reason)
    }

    /// See ``Code/addressRefused``.
    public static func addressRefused(url: String, address: String, kind: String) -> HTTPFetchError {
        let article = kind.first.map { "aeiou".contains($0) } == true ? "an" : "a"
        return HTTPFetchError(
            .addressRefused, url: url,
            saying: "its address \(address) is \(article) \(kind) address, refused for a host the pipeline does not name (option allowPrivate)")
    }

    /// See ``Code/afterRedirect``.
    public static func afterRedirect(url: String, target: String, error: HTTPFetchError) -> HTTPFetchError {
        HTTPFetchError(
            .afterRedirect, url: url, saying: "redirected to \(target), which failed: \(error)", attempts: error.attempts,
            status: error.status, target: target, wrapped: error)
    }

    /// See ``Code/unsupportedMediaType``.
    public static func unsupportedMediaType(url: String, mediaType: String) -> HTTPFetchError {
        HTTPFetchError(.unsupportedMediaType, url: url, saying: "\(mediaType) is a binary media type, not a page")
    }

    /// See ``Code/robotsDisallowed``.
    public static func robotsDisallowed(url: String, rule: String) -> HTTPFetchError {
        HTTPFetchError(.robotsDisallowed, url: url, saying: "disallowed by robots.txt (\(rule)); no request sent (option robots)", attempts: 0, detail: rule)
    }

    /// See ``Code/robotsUnreachable``.
    public static func robotsUnreachable(url: String, reason: String) -> HTTPFetchError {
        HTTPFetchError(
            .robotsUnreachable, url: url, saying: "disallowed by robots.txt (\(reason)); no request sent (option robots)", attempts: 0,
            detail: reason)
    }

    /// See ``Code/retryAfterTooLong``.
    public static func retryAfterTooLong(url: String, status: Int, seconds: Double, limit: Double, attempts: Int) -> HTTPFetchError {
        let tries = attempts == 1 ? "1 attempt" : "\(attempts) attempts"
        return HTTPFetchError(
            .retryAfterTooLong, url: url,
            saying: "HTTP status \(status) with Retry-After \(format(seconds)) s, more than maxRetryAfter (\(format(limit)) s), after \(tries)",
            attempts: attempts, status: status)
    }

    /// See ``Code/proxyFailed``. `proxy` is the redacted URL, `message` libcurl's (scrubbed of the credentials).
    public static func proxyFailed(url: String, proxy: String, curlCode: Int, message: String) -> HTTPFetchError {
        HTTPFetchError(
            .proxyFailed, url: url, saying: "the proxy \(proxy) failed: \(message)\(curlCode == 0 ? "" : " (curl error \(curlCode))")", curlCode: curlCode,
            detail: message,
            proxy: proxy)
    }

    /// See ``Code/proxiesUnavailable``. `proxies`: each proxy (redacted) with why it was not used.
    public static func proxiesUnavailable(url: String, proxies: [(proxy: String, why: String)]) -> HTTPFetchError {
        let list = proxies.map { "\($0.proxy) (\($0.why))" }.joined(separator: "; ")
        return HTTPFetchError(
            .proxiesUnavailable, url: url, saying: "no proxy of the \(proxies.count) (option proxies) is available: \(list)", detail: list)
    }

    /// See ``Code/failedAfterAttempts``.
    public static func failedAfterAttempts(attempts: Int, last: HTTPFetchError) -> HTTPFetchError {
        let prefix = "cannot fetch \(last.url): "
        let reason = last.message.hasPrefix(prefix) ? String(last.message.dropFirst(prefix.count)) : last.message
        return HTTPFetchError(
            .failedAfterAttempts, "cannot fetch \(last.url) after \(attempts) attempts (option retries): \(reason)", url: last.url,
            attempts: attempts, status: last.status, wrapped: last)
    }

    private static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() && abs(seconds) < 1e15 ? String(Int(seconds)) : String(seconds)
    }
}

extension ErrorCode where Domain == HTTPFetchError {
    /// Not an `http` or `https` URL with a host.
    public static var invalidURL: Self { "invalidURL" }
    /// The transfer failed below HTTP: DNS, connection, TLS, a broken response.
    /// ``HTTPFetchError/curlCode`` is libcurl's `CURLcode` and ``HTTPFetchError/reason`` its
    /// explanation.
    public static var networkFailure: Self { "networkFailure" }
    /// The server's response breaks HTTP: a malformed status line, broken chunked encoding, a body
    /// that does not decode with its Content-Encoding, response headers too large to accept. The
    /// same request gets the same answer, so it is not retried. ``HTTPFetchError/curlCode`` is
    /// libcurl's `CURLcode`.
    public static var protocolViolation: Self { "protocolViolation" }
    /// The connection or the whole transfer took longer than the `connectTimeout` or `timeout`
    /// option; ``HTTPFetchError/reason`` is libcurl's message, which says which one.
    public static var timedOut: Self { "timedOut" }
    /// The server answered with a status (``HTTPFetchError/status``) outside 200…299.
    public static var httpStatus: Self { "httpStatus" }
    /// The body is larger than the `maxBytes` option (counted after content decoding, so a
    /// compressed bomb stops at the limit too).
    public static var tooLarge: Self { "tooLarge" }
    /// More redirects than the `maxRedirects` option allows.
    public static var tooManyRedirects: Self { "tooManyRedirects" }
    /// A redirect that is not followed: to a URL that is not http or https (`file:`, `ftp:`), back
    /// to a URL of the same chain (a loop), or to a URL its host's robots.txt disallows.
    /// ``HTTPFetchError/target`` is the Location, no request was sent to it.
    public static var redirectRefused: Self { "redirectRefused" }
    /// The host's address is one the fetcher may not connect to (loopback, private, link-local,
    /// unspecified, multicast, reserved): the host was not named by the user and the
    /// `allowPrivate` option does not cover it. No connection was opened.
    public static var addressRefused: Self { "addressRefused" }
    /// A redirect was followed and the request to ``HTTPFetchError/target`` failed with
    /// ``HTTPFetchError/wrapped``.
    public static var afterRedirect: Self { "afterRedirect" }
    /// The response is a clearly binary media type (images, audio, video, PDF, archives), which no
    /// step of a text pipeline can use; the transfer stops as soon as the type is known.
    public static var unsupportedMediaType: Self { "unsupportedMediaType" }
    /// The host's robots.txt does not allow the URL; no request was sent. ``HTTPFetchError/reason``
    /// is the line that decided (`Disallow: /private/`).
    public static var robotsDisallowed: Self { "robotsDisallowed" }
    /// The host's robots.txt could not be read (a 5xx, 429 or a network failure), so everything on
    /// the host is disallowed for a while (RFC 9309 §2.3.1.3); no request was sent. Unlike
    /// ``robotsDisallowed`` it may pass: ``HTTPFetchError/reason`` says what went wrong with
    /// robots.txt.
    public static var robotsUnreachable: Self { "robotsUnreachable" }
    /// The server asked, with Retry-After, to wait longer than the `maxRetryAfter` option, so the
    /// fetch gave up after ``HTTPFetchError/attempts`` attempts.
    public static var retryAfterTooLong: Self { "retryAfterTooLong" }
    /// A proxy of the `proxies` option could not be used: no connection to it, its handshake or
    /// authentication failed, or it broke its protocol (not: it reached the proxy, which could not
    /// reach the site). ``HTTPFetchError/proxy`` names it (without its password). The fetcher
    /// leaves it out for `proxyBackoff` seconds and sends the request through the next proxy, so
    /// this is seen only inside ``proxiesUnavailable``'s reason.
    public static var proxyFailed: Self { "proxyFailed" }
    /// Every proxy of the `proxies` option is left out after a failure, or failed for this request;
    /// the reason names each (without passwords) and why. Transient, and retried like a network
    /// failure (the `retries` option), when a proxy may be back.
    public static var proxiesUnavailable: Self { "proxiesUnavailable" }
    /// The fetch was tried ``HTTPFetchError/attempts`` times (the `retries` option);
    /// ``HTTPFetchError/wrapped`` is the last attempt's error.
    public static var failedAfterAttempts: Self { "failedAfterAttempts" }
}

extension HTTPFetchError: FailureClassifying {
    /// Permanent: the page is gone (404, 410), off limits (robots.txt, a refused redirect or address,
    /// a URL that is no http URL), or unusable as fetched (a binary media type, a body over
    /// `maxBytes`, a redirect chain over `maxRedirects`). Transient: the network, a timeout, any
    /// other status (429, 5xx, but also 401 and 403, which sites hand out to crawlers for a while),
    /// a server that asked to wait too long, an unreadable robots.txt, a response that breaks
    /// HTTP (a server fault that its owner may fix), and any code this list does not name. A
    /// failure after a redirect or after retries is what its last error is.
    public var isPermanent: Bool {
        if let wrapped { return wrapped.isPermanent }
        if code == .httpStatus, let status { return Self.permanentStatuses.contains(status) }
        return Self.permanentCodes.contains(code)
    }

    /// The codes that are permanent whatever their context.
    private static var permanentCodes: Set<Code> {
        [.invalidURL, .tooLarge, .tooManyRedirects, .redirectRefused, .addressRefused, .unsupportedMediaType, .robotsDisallowed]
    }

    /// HTTP statuses that say the page is gone: 404 Not Found and 410 Gone.
    public static let permanentStatuses: Set<Int> = [404, 410]
}
