/// Why the `http` fetcher could not fetch a URL. The description, which always names the URL, becomes
/// the dead-letter reason.
public enum HTTPFetchError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not an `http` or `https` URL with a host.
    case invalidURL(String)
    /// The transfer failed below HTTP: DNS, connection, TLS, a broken response. `code` is libcurl's
    /// `CURLcode` and `message` its explanation.
    case networkFailure(url: String, code: Int, message: String)
    /// The connection or the whole transfer took longer than the `connectTimeout` or `timeout`
    /// option; `message` is libcurl's, which says which one.
    case timedOut(url: String, message: String)
    /// The server answered with a status outside 200…299. `finalURL` is where redirects led.
    case httpStatus(url: String, finalURL: String, status: Int)
    /// The body is larger than the `maxBytes` option (counted after content decoding, so a
    /// compressed bomb stops at the limit too).
    case tooLarge(url: String, limit: Int)
    /// More redirects than the `maxRedirects` option allows; a redirect loop ends here too.
    case tooManyRedirects(url: String, limit: Int)
    /// The response is a clearly binary media type (images, audio, video, PDF, archives), which no
    /// step of a text pipeline can use; the transfer stops as soon as the type is known.
    case unsupportedMediaType(url: String, mediaType: String)

    /// The URL that was requested.
    public var url: String {
        switch self {
        case .invalidURL(let url): return url
        case .networkFailure(let url, _, _), .timedOut(let url, _), .httpStatus(let url, _, _),
             .tooLarge(let url, _), .tooManyRedirects(let url, _), .unsupportedMediaType(let url, _):
            return url
        }
    }

    /// The HTTP status for ``httpStatus(url:finalURL:status:)``, else nil.
    public var status: Int? {
        if case .httpStatus(_, _, let status) = self { return status }
        return nil
    }

    public var description: String {
        switch self {
        case .invalidURL(let url):
            return "cannot fetch \(url): not an http or https URL with a host"
        case .networkFailure(let url, let code, let message):
            return "cannot fetch \(url): \(message) (curl error \(code))"
        case .timedOut(let url, let message):
            return "cannot fetch \(url): timed out: \(message)"
        case .httpStatus(let url, let finalURL, let status):
            let redirected = finalURL == url ? "" : " (redirected to \(finalURL))"
            return "cannot fetch \(url): HTTP status \(status)\(redirected)"
        case .tooLarge(let url, let limit):
            return "cannot fetch \(url): the body is larger than \(limit) bytes (option maxBytes)"
        case .tooManyRedirects(let url, let limit):
            return "cannot fetch \(url): more than \(limit) redirects, or a redirect loop (option maxRedirects)"
        case .unsupportedMediaType(let url, let mediaType):
            return "cannot fetch \(url): \(mediaType) is a binary media type, not a page"
        }
    }
}
