import Dispatch
import Synchronization

/// A ``PostgresConnection`` for async code: libpq blocks while the server works, so every call
/// runs on a serial dispatch queue of the client's own, off the cooperative thread pool, one at a
/// time. A connection that broke (the server restarted, the network dropped) is made again before
/// the next call.
package final class PostgresClient: Sendable {
    /// The URL with its password redacted: what messages name.
    package let redactedURL: String
    private let queue: DispatchQueue
    /// Touched only on `queue`; nil once closed.
    private nonisolated(unsafe) var connection: PostgresConnection?

    private init(connection: PostgresConnection, queue: DispatchQueue) {
        self.connection = connection
        self.redactedURL = connection.redactedURL
        self.queue = queue
    }

    /// Connects to `url` (see ``PostgresConnection/init(url:connectTimeout:applicationName:statementTimeout:)``).
    package static func connect(url: String, connectTimeout: Int = 10, statementTimeout: Duration? = nil) async throws(PostgresError) -> PostgresClient {
        let queue = DispatchQueue(label: "etl.postgres")
        let result: Result<PostgresClient, PostgresError> = await withCheckedContinuation { continuation in
            queue.async {
                do throws(PostgresError) {
                    let connection = try PostgresConnection(url: url, connectTimeout: connectTimeout, statementTimeout: statementTimeout)
                    continuation.resume(returning: .success(PostgresClient(connection: connection, queue: queue)))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }

    /// Runs `body` with the connection, on the client's queue, after the calls before it.
    package func withConnection<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try self.run(body) })
            }
        }
    }

    /// Runs one statement (``PostgresConnection/execute(_:_:)``).
    @discardableResult
    package func execute(_ sql: String, _ parameters: [String?] = []) async throws -> PostgresRows {
        try await withConnection { connection in try connection.execute(sql, parameters) }
    }

    /// Runs `body` in a transaction (``PostgresConnection/transaction(_:)``).
    @discardableResult
    package func transaction<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws -> T) async throws -> T {
        try await withConnection { connection in try connection.transaction(body) }
    }

    /// Closes the connection; later calls throw ``PostgresError/Code/closed``.
    package func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async {
                self.connection = nil
                continuation.resume()
            }
        }
    }

    /// On the queue: the connection, made again if it broke.
    private func run<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        guard let connection else {
            throw PostgresError(.closed, "the connection to PostgreSQL at \(redactedURL) is closed", url: redactedURL)
        }
        if !connection.isConnected { try connection.reset() }
        return try body(connection)
    }
}
