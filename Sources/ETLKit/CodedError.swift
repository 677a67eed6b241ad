/// An error with a ``code`` to test, the ``message`` to show, and the error it wraps, if any.
///
/// Every public error of etl is a struct of this kind (see ``ErrorCode`` for why not an enum). A
/// type declares its codes as static properties of `extension ErrorCode where Domain == ThatError`,
/// and one static factory per kind of failure, which builds the message and keeps the context
/// callers read (a URL, a path, a status) in stored properties:
///
/// ```swift
/// do {
///     _ = try await fetcher.fetch(record, context: context)
/// } catch let error as HTTPFetchError where error.code == .httpStatus {
///     print(error.status ?? 0, error.message)
/// }
/// ```
public protocol CodedError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is; new codes may be added, so a `switch` on it needs a `default`.
    var code: ErrorCode<Self> { get }
    /// The whole reason, as logs and dead letters show it.
    var message: String { get }
    /// The error this one wraps (an SQLite error, the failure behind a redirect or a retry), if any.
    var underlying: (any Error)? { get }
}

extension CodedError {
    /// The ``message``.
    public var description: String { message }

    /// None: the default for errors that wrap no other.
    public var underlying: (any Error)? { nil }
}

extension CodedError where Self: Equatable {
    /// Two errors are equal when they have the same code and the same message, which says the
    /// context that matters (the URL, the path, the status).
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message
    }
}
