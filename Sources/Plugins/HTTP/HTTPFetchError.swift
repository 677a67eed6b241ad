import ETLKit

/// Why the `http` fetcher could not fetch a URL. The description, which always names the URL, becomes
/// the dead-letter reason.
public enum HTTPFetchError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not an `http` or `https` URL with a host.
    case invalidURL(String)
    /// The transfer failed below HTTP: DNS, connection, TLS, a broken response. `code` is libcurl's
    /// `CURLcode` and `message` its explanation.
    case networkFailure(url: String, code: Int, message: String)
    /// The server's response breaks HTTP: a malformed status line, broken chunked encoding, a body
    /// that does not decode with its Content-Encoding, response headers too large to accept. The
    /// same request gets the same answer, so it is not retried. `code` is libcurl's `CURLcode`.
    case protocolViolation(url: String, code: Int, message: String)
    /// The connection or the whole transfer took longer than the `connectTimeout` or `timeout`
    /// option; `message` is libcurl's, which says which one.
    case timedOut(url: String, message: String)
    /// The server answered with a status outside 200…299. `finalURL` is where redirects led.
    case httpStatus(url: String, finalURL: String, status: Int)
    /// The body is larger than the `maxBytes` option (counted after content decoding, so a
    /// compressed bomb stops at the limit too).
    case tooLarge(url: String, limit: Int)
    /// More redirects than the `maxRedirects` option allows.
    case tooManyRedirects(url: String, limit: Int)
    /// A redirect that is not followed: to a URL that is not http or https (`file:`, `ftp:`), back
    /// to a URL of the same chain (a loop), or to a URL its host's robots.txt disallows. `target`
    /// is the Location, no request was sent to it.
    case redirectRefused(url: String, target: String, reason: String)
    /// The host's address is one the fetcher may not connect to (`kind`: loopback, private,
    /// link-local, unspecified, multicast, reserved): the host was not named by the user and the
    /// `allowPrivate` option does not cover it. No connection was opened.
    case addressRefused(url: String, address: String, kind: String)
    /// A redirect was followed and the request to `target` failed with `error`.
    indirect case afterRedirect(url: String, target: String, error: HTTPFetchError)
    /// The response is a clearly binary media type (images, audio, video, PDF, archives), which no
    /// step of a text pipeline can use; the transfer stops as soon as the type is known.
    case unsupportedMediaType(url: String, mediaType: String)
    /// The host's robots.txt does not allow the URL; no request was sent. `rule` is the line that
    /// decided (`Disallow: /private/`) or why everything is disallowed (an unreachable robots.txt).
    case robotsDisallowed(url: String, rule: String)
    /// The host's robots.txt could not be read (a 5xx, 429 or a network failure), so everything on
    /// the host is disallowed for a while (RFC 9309 §2.3.1.3); no request was sent. Unlike
    /// ``robotsDisallowed(url:rule:)`` it may pass: `reason` says what went wrong with robots.txt.
    case robotsUnreachable(url: String, reason: String)
    /// The server asked, with Retry-After, to wait `seconds` before trying again: longer than the
    /// `maxRetryAfter` option, so the fetch gave up after `attempts` attempts.
    case retryAfterTooLong(url: String, status: Int, seconds: Double, limit: Double, attempts: Int)
    /// The fetch was tried `attempts` times (the `retries` option); `last` is the last attempt's error.
    indirect case failedAfterAttempts(attempts: Int, last: HTTPFetchError)

    /// The URL that was requested.
    public var url: String {
        switch self {
        case .invalidURL(let url): return url
        case .networkFailure(let url, _, _), .protocolViolation(let url, _, _), .timedOut(let url, _), .httpStatus(let url, _, _),
             .tooLarge(let url, _), .tooManyRedirects(let url, _), .unsupportedMediaType(let url, _),
             .robotsDisallowed(let url, _), .robotsUnreachable(let url, _), .retryAfterTooLong(let url, _, _, _, _), .redirectRefused(let url, _, _),
             .afterRedirect(let url, _, _), .addressRefused(let url, _, _):
            return url
        case .failedAfterAttempts(_, let last):
            return last.url
        }
    }

    /// How many requests were made for the URL: more than one only when the fetch was retried,
    /// none when robots.txt disallowed it.
    public var attempts: Int {
        switch self {
        case .failedAfterAttempts(let attempts, _), .retryAfterTooLong(_, _, _, _, let attempts): return attempts
        case .afterRedirect(_, _, let error): return error.attempts
        case .robotsDisallowed, .robotsUnreachable, .invalidURL: return 0
        default: return 1
        }
    }

    /// The HTTP status for ``httpStatus(url:finalURL:status:)``, else nil.
    public var status: Int? {
        switch self {
        case .httpStatus(_, _, let status), .retryAfterTooLong(_, let status, _, _, _): return status
        case .failedAfterAttempts(_, let last): return last.status
        case .afterRedirect(_, _, let error): return error.status
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .failedAfterAttempts(let attempts, let last):
            let prefix = "cannot fetch \(last.url): "
            let reason = last.description.hasPrefix(prefix) ? String(last.description.dropFirst(prefix.count)) : last.description
            return "cannot fetch \(last.url) after \(attempts) attempts (option retries): \(reason)"
        case .robotsDisallowed(let url, let rule):
            return "cannot fetch \(url): disallowed by robots.txt (\(rule)); no request sent (option robots)"
        case .robotsUnreachable(let url, let reason):
            return "cannot fetch \(url): disallowed by robots.txt (\(reason)); no request sent (option robots)"
        case .retryAfterTooLong(let url, let status, let seconds, let limit, let attempts):
            let tries = attempts == 1 ? "1 attempt" : "\(attempts) attempts"
            return "cannot fetch \(url): HTTP status \(status) with Retry-After \(Self.format(seconds)) s, more than maxRetryAfter (\(Self.format(limit)) s), after \(tries)"

        case .invalidURL(let url):
            return "cannot fetch \(url): not an http or https URL with a host"
        case .networkFailure(let url, let code, let message):
            return "cannot fetch \(url): \(message) (curl error \(code))"
        case .protocolViolation(let url, let code, let message):
            return "cannot fetch \(url): the response breaks HTTP: \(message) (curl error \(code)); not retried"
        case .timedOut(let url, let message):
            return "cannot fetch \(url): timed out: \(message)"
        case .httpStatus(let url, let finalURL, let status):
            let redirected = finalURL == url ? "" : " (redirected to \(finalURL))"
            return "cannot fetch \(url): HTTP status \(status)\(redirected)"
        case .tooLarge(let url, let limit):
            return "cannot fetch \(url): the body is larger than \(limit) bytes (option maxBytes)"
        case .tooManyRedirects(let url, let limit):
            return "cannot fetch \(url): more than \(limit) redirects (option maxRedirects)"
        case .addressRefused(let url, let address, let kind):
            let article = kind.first.map { "aeiou".contains($0) } == true ? "an" : "a"
            return "cannot fetch \(url): its address \(address) is \(article) \(kind) address, refused for a host the pipeline does not name (option allowPrivate)"
        case .redirectRefused(let url, let target, let reason):
            return "cannot fetch \(url): redirected to \(target), not followed: \(reason)"
        case .afterRedirect(let url, let target, let error):
            return "cannot fetch \(url): redirected to \(target), which failed: \(error)"
        case .unsupportedMediaType(let url, let mediaType):
            return "cannot fetch \(url): \(mediaType) is a binary media type, not a page"
        }
    }

    private static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() && abs(seconds) < 1e15 ? String(Int(seconds)) : String(seconds)
    }
}

extension HTTPFetchError: FailureClassifying {
    /// Permanent: the page is gone (404, 410), off limits (robots.txt, a refused redirect or address,
    /// a URL that is no http URL), or unusable as fetched (a binary media type, a body over
    /// `maxBytes`, a redirect chain over `maxRedirects`). Transient: the network, a timeout, any
    /// other status (429, 5xx, but also 401 and 403, which sites hand out to crawlers for a while),
    /// a server that asked to wait too long, an unreadable robots.txt, and a response that breaks
    /// HTTP (a server fault that its owner may fix). A failure after a redirect or after retries is
    /// what its last error is.
    public var isPermanent: Bool {
        switch self {
        case .invalidURL, .tooLarge, .tooManyRedirects, .redirectRefused, .addressRefused, .unsupportedMediaType,
             .robotsDisallowed:
            return true
        case .httpStatus(_, _, let status):
            return Self.permanentStatuses.contains(status)
        case .networkFailure, .protocolViolation, .timedOut, .robotsUnreachable, .retryAfterTooLong:
            return false
        case .afterRedirect(_, _, let error), .failedAfterAttempts(_, let error):
            return error.isPermanent
        }
    }

    /// HTTP statuses that say the page is gone: 404 Not Found and 410 Gone.
    public static let permanentStatuses: Set<Int> = [404, 410]
}
