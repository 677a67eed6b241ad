import ETLKit

/// What went wrong talking to PostgreSQL: a URL libpq cannot read, a server that cannot be reached,
/// or a statement the server refused (with its SQLSTATE code and message, and the statement).
///
/// The URL in ``url`` and in the message is redacted (``PostgresURL/redacted(_:)``): no password
/// reaches a log or a dead letter. The statement is the SQL text only, never its parameters.
public struct PostgresError: CodedError, FailureClassifying {
    public typealias Code = ErrorCode<PostgresError>

    public let code: Code
    /// The whole reason, as dead letters and logs show it.
    public var message: String
    /// The server's five-character SQLSTATE code (`23505` unique violation, `42P01` undefined
    /// table, `57P01` admin shutdown, …), when the server sent one.
    public var sqlState: String?
    /// The server's primary message, or libpq's when there is no server answer.
    public var serverMessage: String?
    /// The SQL of the statement that failed (without its parameters).
    public var statement: String?
    /// The database's URL with its password replaced by `***`.
    public var url: String
    /// The error this one wraps, if any.
    public var underlying: (any Error)?

    public init(
        _ code: Code, _ message: String, url: String, sqlState: String? = nil, serverMessage: String? = nil,
        statement: String? = nil, underlying: (any Error)? = nil
    ) {
        self.code = code
        self.message = message
        self.url = url
        self.sqlState = sqlState
        self.serverMessage = serverMessage
        self.statement = statement
        self.underlying = underlying
    }

    /// A database's trouble is not the page's: tried again on the next run.
    public var isPermanent: Bool { false }

    /// Whether the connection itself is gone (SQLSTATE class 08, or the server shutting down,
    /// class 57P0x): a new connection may succeed where this one failed.
    public var isConnectionLoss: Bool {
        guard let sqlState else { return code == .cannotConnect }
        return sqlState.hasPrefix("08") || sqlState.hasPrefix("57P0")
    }

    /// A statement's SQL as messages quote it: its first 200 characters, on one line.
    static func quote(_ statement: String) -> String {
        let line = statement.split(whereSeparator: \.isNewline).joined(separator: " ")
        return line.count > 200 ? "\(line.prefix(200))…" : line
    }
}

extension ErrorCode where Domain == PostgresError {
    /// The URL (or connection string) is not one libpq reads.
    public static var invalidURL: Self { "invalidURL" }
    /// The connection could not be made: server down or unreachable, authentication refused,
    /// TLS refused, no such database.
    public static var cannotConnect: Self { "cannotConnect" }
    /// The server refused a statement (``PostgresError/sqlState`` says why), or the connection
    /// broke while it ran.
    public static var statementFailed: Self { "statementFailed" }
    /// A parameter cannot be sent: PostgreSQL text cannot hold a NUL character.
    public static var invalidParameter: Self { "invalidParameter" }
    /// The connection was closed (``PostgresClient/close()``) before the call.
    public static var closed: Self { "closed" }
}
