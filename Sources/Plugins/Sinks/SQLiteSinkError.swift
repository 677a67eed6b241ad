import ETLKit

/// Why the `sqlite` sink failed (a ``CodedError``).
public struct SQLiteSinkError: CodedError {
    public typealias Code = ErrorCode<SQLiteSinkError>

    public let code: Code
    public let message: String
    /// The database file; nil for ``ErrorCode/missingKey``, a fault of the record.
    public let path: String?
    /// The SQLite (GRDB) error, when there is one.
    public let underlying: (any Error)?

    /// See ``ErrorCode/cannotOpen``.
    public static func cannotOpen(path: String, table: String, reason: String, underlying: (any Error)? = nil) -> SQLiteSinkError {
        SQLiteSinkError(code: .cannotOpen, message: "cannot open table \"\(table)\" in \(path): \(reason)", path: path, underlying: underlying)
    }

    /// See ``ErrorCode/missingKey``.
    public static func missingKey(key: String, url: String) -> SQLiteSinkError {
        SQLiteSinkError(code: .missingKey, message: "the record for \(url) has no \"\(key)\" field, the key of the SQLite table", path: nil, underlying: nil)
    }

    /// See ``ErrorCode/writeFailed``.
    public static func writeFailed(path: String, table: String, key: String, reason: String, underlying: (any Error)? = nil) -> SQLiteSinkError {
        SQLiteSinkError(code: .writeFailed, message: "cannot write \"\(key)\" to table \"\(table)\" in \(path): \(reason)", path: path, underlying: underlying)
    }

    /// See ``ErrorCode/cannotClose``.
    public static func cannotClose(path: String, reason: String, underlying: (any Error)? = nil) -> SQLiteSinkError {
        SQLiteSinkError(code: .cannotClose, message: "cannot close \(path): \(reason)", path: path, underlying: underlying)
    }

    /// See ``ErrorCode/notOpen``.
    public static func notOpen(path: String) -> SQLiteSinkError {
        SQLiteSinkError(code: .notOpen, message: "the SQLite sink for \(path) is not open", path: path, underlying: nil)
    }
}

extension ErrorCode where Domain == SQLiteSinkError {
    /// The database could not be opened or the table prepared.
    public static var cannotOpen: Self { "cannotOpen" }
    /// A record has no value for the key field.
    public static var missingKey: Self { "missingKey" }
    /// The upsert of one record failed.
    public static var writeFailed: Self { "writeFailed" }
    /// Closing the database failed.
    public static var cannotClose: Self { "cannotClose" }
    /// ``SQLiteSink/write(_:)`` was called before ``SQLiteSink/open(context:)`` or after ``SQLiteSink/close()``.
    public static var notOpen: Self { "notOpen" }
}
