import CCurl
import ETLKit
import Foundation

/// When and how long the `http` fetcher waits before trying a URL again.
///
/// Retried: network failures that a later attempt can cure (connection refused or reset, an empty
/// or cut-off response, timeouts) and the statuses 429, 500, 502, 503 and 504. Not retried: other
/// statuses, DNS failures, TLS certificate errors, oversized bodies, redirect loops, and responses
/// that break HTTP (``HTTPFetchError/protocolViolation(url:curlCode:message:)``: a malformed status
/// line, broken chunked encoding, an invalid content encoding, oversized headers), which the
/// client tells from a reset by the socket error behind them (see ``CurlMultiClient``). The wait is
/// the response's Retry-After (seconds or an HTTP-date) when it has one, else `backoff × 2^(n-1)`
/// for the n-th retry with ±20% jitter, at most `maxBackoff`. A Retry-After longer than
/// `maxRetryAfter` ends the fetch rather than coming back before the server asked.
package struct RetryPolicy: Sendable {
    /// Retries after the first attempt.
    package var retries = 3
    /// Seconds before the first retry.
    package var backoff = 1.0
    /// The longest backoff, in seconds (Retry-After has its own cap).
    package var maxBackoff = 60.0
    /// The longest Retry-After obeyed, in seconds.
    package var maxRetryAfter = 120.0
    /// The jitter as a fraction of the backoff: 0.2 is ±20%.
    package var jitter = 0.2

    package init() {}

    package static let retryableStatuses: Set<Int> = [429, 500, 502, 503, 504]

    /// libcurl errors worth another attempt: the connection failed or broke, or time ran out.
    package static let retryableCurlCodes: Set<Int> = [
        Int(CURLE_COULDNT_CONNECT.rawValue),  // 7: refused
        Int(CURLE_HTTP2.rawValue),  // 16
        Int(CURLE_PARTIAL_FILE.rawValue),  // 18: body shorter than announced
        Int(CURLE_OPERATION_TIMEDOUT.rawValue),  // 28
        Int(CURLE_GOT_NOTHING.rawValue),  // 52: closed without an answer
        Int(CURLE_SEND_ERROR.rawValue),  // 55
        Int(CURLE_RECV_ERROR.rawValue),  // 56: reset (56 without a socket error is a protocolViolation)
        Int(CURLE_HTTP2_STREAM.rawValue),  // 92
        Int(CURLE_PROXY.rawValue),  // 97: a proxy that could not reach the site (a failed proxy is proxyFailed)
    ]

    /// Whether an attempt that failed with `error` is worth another.
    package static func isRetryable(_ error: HTTPFetchError) -> Bool {
        switch error.code {
        case .timedOut, .proxiesUnavailable: return true
        case .networkFailure: return error.curlCode.map(retryableCurlCodes.contains) ?? false
        default: return false
        }
    }

    /// Seconds to wait before the retry that follows attempt `attempt` (1 for the first attempt);
    /// `random` is in 0…1.
    package func backoffDelay(afterAttempt attempt: Int, random: Double = Double.random(in: 0...1)) -> Double {
        let exponent = Double(min(max(attempt - 1, 0), 62))
        let base = min(backoff * pow(2, exponent), maxBackoff)
        let jittered = base * (1 + jitter * (2 * random - 1))
        return max(0, min(jittered, maxBackoff))
    }

    /// The seconds a Retry-After value asks for: a number of seconds or an HTTP-date (RFC 9110
    /// §10.2.3, with the obsolete RFC 850 and asctime forms); a date in the past is 0. Nil when
    /// the value is neither.
    package static func retryAfterSeconds(_ value: String, now: Date = Date()) -> Double? {
        let trimmed = value.trimmingWhitespace()
        if !trimmed.isEmpty, trimmed.unicodeScalars.allSatisfy({ $0.properties.numericType == .decimal && $0.isASCII }) {
            return Double(trimmed)
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: trimmed) {
                return max(0, date.timeIntervalSince(now))
            }
        }
        return nil
    }
}
