import ETLKit
import ETLPostgres

/// Why the `postgres` sink failed. The URL it names has its password redacted.
public struct PostgresSinkError: CodedError, FailureClassifying {
    public typealias Code = ErrorCode<PostgresSinkError>

    public let code: Code
    /// The whole reason, as dead letters and logs show it.
    public var message: String
    /// The error this one wraps (a ``PostgresError`` with the SQLSTATE and the statement), if any.
    public var underlying: (any Error)?

    public init(_ code: Code, _ message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    /// The database's trouble, not the page's: tried again on the next run.
    public var isPermanent: Bool { false }

    /// The SQLSTATE of the server's refusal, when there was one.
    public var sqlState: String? { (underlying as? PostgresError)?.sqlState }

    static func cannotOpen(table: String, url: String, underlying: any Error) -> Self {
        Self(.cannotOpen, "cannot open table \"\(table)\": \(reason(underlying, url: url))", underlying: underlying)
    }

    static func missingKey(key: String, table: String, url: String) -> Self {
        Self(.missingKey, "the record for \(url) has no \"\(key)\" field, the key of the PostgreSQL table \"\(table)\"")
    }

    static func writeFailed(records: Int, table: String, underlying: any Error) -> Self {
        Self(
            .writeFailed, "cannot write \(records) record\(records == 1 ? "" : "s") to table \"\(table)\": \(reason(underlying, url: nil))",
            underlying: underlying)
    }

    static func notOpen(table: String, url: String) -> Self {
        Self(.notOpen, "the postgres sink for table \"\(table)\" at \(url) is not open")
    }

    /// A wrapped error's text: a ``PostgresError`` names the (redacted) URL itself.
    private static func reason(_ error: any Error, url: String?) -> String {
        if let error = error as? PostgresError { return error.message }
        let text = String(describing: error)
        return url.map { "\(text) (PostgreSQL at \($0))" } ?? text
    }
}

extension ErrorCode where Domain == PostgresSinkError {
    /// The database could not be reached or the table prepared.
    public static var cannotOpen: Self { "cannotOpen" }
    /// A record has no value for the key field.
    public static var missingKey: Self { "missingKey" }
    /// A batch of records could not be written.
    public static var writeFailed: Self { "writeFailed" }
    /// The sink was used before ``PostgresSink/open(context:)`` or after it closed.
    public static var notOpen: Self { "notOpen" }
}
