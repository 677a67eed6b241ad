/// What kind of failure an error is, among the failures of one error type, `Domain`: a name to test
/// (`error.code == .timedOut`) that later versions can add to.
///
/// The errors of etl are structs with a code (``CodedError``) rather than enums with a case per
/// failure because a public enum cannot gain a case without breaking every exhaustive `switch` of
/// the code that uses it. A code is a plain value: each error type declares its codes as static
/// properties of `extension ErrorCode where Domain == ThatError`, new ones can be added at any
/// time, and a caller tests the few it cares about (`if error.code == .tooLarge`, or a `switch`
/// with a `default`). `Domain`, the error type, is only a tag: it keeps the codes of one error
/// type from being compared with, or offered for, another's.
///
/// Errors with a single kind of failure (``OptionError``, ``PipelineError``, ``JSONSyntaxError``)
/// stay plain structs: they have nothing to tell apart.
public struct ErrorCode<Domain>: RawRepresentable, Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The code's name, the same as the static property that declares it (`"timedOut"`).
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public init(stringLiteral value: String) {
        rawValue = value
    }

    public var description: String { rawValue }
}
