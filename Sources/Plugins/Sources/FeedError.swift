import ETLHTML
import ETLKit

/// Why a feed gave no items (a ``CodedError``).
public struct FeedError: CodedError {
    public typealias Code = ErrorCode<FeedError>

    public let code: Code
    public let message: String
    /// The network error, or libxml2's ``ParseHalt``, when there is one.
    public let underlying: (any Error)?

    /// See ``ErrorCode/unreachable``; `reason` is the whole reason after "feed ".
    public static func unreachable(url: String, reason: String, underlying: (any Error)? = nil) -> FeedError {
        FeedError(code: .unreachable, message: "feed \(reason)", underlying: underlying)
    }

    /// See ``ErrorCode/notAFeed``.
    public static func notAFeed(url: String) -> FeedError {
        FeedError(code: .notAFeed, message: "feed \(url) is not XML (RSS or Atom expected)", underlying: nil)
    }

    /// See ``ErrorCode/unreadable``.
    public static func unreadable(_ halt: ParseHalt) -> FeedError {
        FeedError(code: .unreadable, message: "feed \(halt.description)", underlying: halt)
    }

    /// See ``ErrorCode/several``.
    public static func several(_ reasons: [String]) -> FeedError {
        FeedError(code: .several, message: reasons.joined(separator: "; "), underlying: nil)
    }
}

extension ErrorCode where Domain == FeedError {
    /// The feed, or the site whose feed was looked for, could not be fetched.
    public static var unreachable: Self { "unreachable" }
    /// The document is not XML (RSS or Atom expected).
    public static var notAFeed: Self { "notAFeed" }
    /// libxml2 stopped reading the feed before its end (an entity bomb, a limit).
    public static var unreadable: Self { "unreadable" }
    /// The feeds that gave no items, each with its reason, in the message.
    public static var several: Self { "several" }
}
