import CPostgres
import Foundation

/// One libpq connection, used synchronously: every call blocks until the server has answered.
/// Not thread-safe (libpq's rule for a connection): use it from one thread at a time, which
/// ``PostgresClient`` does for async code.
///
/// Statements take their parameters as text (`$1`, `$2`, … in the SQL; nil is NULL) and return
/// their rows as text, PostgreSQL's own text forms: what `psql` shows.
package final class PostgresConnection {
    /// The URL with its password redacted: what messages name.
    package let redactedURL: String
    private let handle: OpaquePointer
    /// The longest a statement may run (``init(url:connectTimeout:applicationName:statementTimeout:)``).
    private let statementTimeout: Duration?

    /// Connects to `url`: a `postgres://` or `postgresql://` URL, or a keyword/value string, as
    /// libpq reads them (TLS with `sslmode`, a password in the URL or `PGPASSWORD`/`~/.pgpass`).
    /// Unless the URL says otherwise, connecting gives up after `connectTimeout` seconds. The
    /// session is UTF-8 and UTC (`timestamptz` values come back as `…+00`).
    ///
    /// With a `statementTimeout`, a statement that runs longer (waiting for a lock included) is
    /// cancelled by the server (`statement_timeout`), and a server that stops answering is given up
    /// by the kernel after twice that (`tcp_user_timeout`, and keep-alives on an idle connection):
    /// for a connection whose callers must not hang (the host ledger, which every request waits
    /// for). The URL's own `tcp_user_timeout` or keep-alive settings win.
    package init(url: String, connectTimeout: Int = 10, applicationName: String = "etl", statementTimeout: Duration? = nil) throws(PostgresError) {
        let redacted = PostgresURL.redacted(url)
        if let problem = PostgresURL.problem(with: url) {
            throw PostgresError(.invalidURL, "cannot read the PostgreSQL URL \(redacted): \(problem)", url: redacted)
        }
        // Later values override earlier ones: the URL's own connect_timeout and application_name
        // win over the defaults before it, and the client encoding after it is always UTF-8.
        var keywords = ["connect_timeout", "application_name"]
        var values = [String(connectTimeout), applicationName]
        if let statementTimeout {
            let milliseconds = max(Self.milliseconds(statementTimeout), 1)
            keywords += ["tcp_user_timeout", "keepalives_idle", "keepalives_interval", "keepalives_count"]
            values += [String(2 * milliseconds), String(max(2 * milliseconds / 1000, 1)), "1", "3"]
        }
        keywords += ["dbname", "client_encoding"]
        values += [url, "UTF8"]
        let connection = Self.withCStrings(keywords) { keywordPointers in
            Self.withCStrings(values) { valuePointers in
                PQconnectdbParams(keywordPointers, valuePointers, 1)
            }
        }
        guard let connection else {
            throw PostgresError(.cannotConnect, "cannot connect to PostgreSQL at \(redacted): libpq is out of memory", url: redacted)
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let reason = Self.libpqMessage(connection)
            PQfinish(connection)
            throw PostgresError(
                .cannotConnect, "cannot connect to PostgreSQL at \(redacted): \(PostgresURL.redacted(reason))",
                url: redacted, serverMessage: reason)
        }
        self.handle = connection
        self.redactedURL = redacted
        self.statementTimeout = statementTimeout
        do {
            try startSession()
        } catch {
            PQfinish(connection)
            throw error
        }
    }

    deinit {
        PQfinish(handle)
    }

    /// Whether the connection is still up, as far as libpq knows (it learns of a broken
    /// connection when a statement fails on it).
    package var isConnected: Bool { PQstatus(handle) == CONNECTION_OK }

    /// Connects again with the same parameters, after the connection broke.
    package func reset() throws(PostgresError) {
        PQreset(handle)
        guard isConnected else {
            let reason = Self.libpqMessage(handle)
            throw PostgresError(
                .cannotConnect, "cannot connect to PostgreSQL at \(redactedURL) again: \(PostgresURL.redacted(reason))",
                url: redactedURL, serverMessage: reason)
        }
        try startSession()
    }

    /// The session's settings: UTC, and no notices (`… already exists, skipping`) printed by
    /// libpq to standard error, where they would mix with etl's own output.
    private func startSession() throws(PostgresError) {
        PQsetNoticeProcessor(handle, etl_pq_ignore_notice, nil)
        try execute("SET TIME ZONE 'UTC'")
        try execute("SET client_min_messages = warning")
        if let statementTimeout {
            try execute("SET statement_timeout = \(max(Self.milliseconds(statementTimeout), 1))")
        }
    }

    /// Whole milliseconds of a duration.
    private static func milliseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds) * 1000 + Int(duration.components.attoseconds / 1_000_000_000_000_000)
    }

    /// The server's version as a number: 150018 for 15.18.
    package var serverVersion: Int { Int(PQserverVersion(handle)) }

    /// Runs one statement with its parameters (`$1`, `$2`, … as text; nil is NULL) and returns
    /// its rows, or throws the server's refusal with its SQLSTATE.
    @discardableResult
    package func execute(_ sql: String, _ parameters: [String?] = []) throws(PostgresError) -> PostgresRows {
        if parameters.contains(where: { $0.map(PostgresText.containsNUL) ?? false }) {
            throw PostgresError(
                .invalidParameter, "cannot send a value holding a NUL character to PostgreSQL at \(redactedURL) (in: \(PostgresError.quote(sql)))",
                url: redactedURL, statement: sql)
        }
        guard parameters.count <= Self.maximumParameters else {
            throw PostgresError(
                .invalidParameter,
                "cannot send \(parameters.count) parameters in one statement to PostgreSQL at \(redactedURL): at most \(Self.maximumParameters)",
                url: redactedURL, statement: sql)
        }
        let result = Self.withOptionalCStrings(parameters) { pointers in
            PQexecParams(handle, sql, Int32(parameters.count), nil, pointers, nil, nil, 0)
        }
        defer { PQclear(result) }
        guard let result else {
            let reason = Self.libpqMessage(handle)
            throw PostgresError(
                .statementFailed, "PostgreSQL at \(redactedURL) failed: \(reason) (in: \(PostgresError.quote(sql)))",
                url: redactedURL, serverMessage: reason, statement: sql)
        }
        let status = PQresultStatus(result)
        switch status {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return PostgresRows(result)
        default:
            let sqlState = etl_pq_sqlstate(result).map { String(cString: $0) }
            let primary = etl_pq_primary_message(result).map { String(cString: $0) }
            let detail = etl_pq_detail(result).map { String(cString: $0) }
            var reason = primary ?? Self.libpqMessage(handle)
            if let detail, !detail.isEmpty { reason += " (\(detail))" }
            let code = sqlState.map { "ERROR \($0): " } ?? ""
            throw PostgresError(
                .statementFailed, "PostgreSQL at \(redactedURL) refused a statement: \(code)\(reason) (in: \(PostgresError.quote(sql)))",
                url: redactedURL, sqlState: sqlState, serverMessage: primary ?? reason, statement: sql)
        }
    }

    /// Runs `body` in a transaction: `BEGIN`, then `COMMIT` when it returns, `ROLLBACK` when it
    /// throws (the error is rethrown; a failing rollback is ignored, the connection being the
    /// likely trouble).
    @discardableResult
    package func transaction<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        try execute("BEGIN")
        do {
            let value = try body(self)
            try execute("COMMIT")
            return value
        } catch {
            if PQtransactionStatus(handle) != PQTRANS_IDLE { _ = try? execute("ROLLBACK") }
            throw error
        }
    }

    /// A notification of `NOTIFY channel, 'payload'` on a channel this connection `LISTEN`s to.
    package struct Notification: Sendable, Equatable {
        package var channel: String
        package var payload: String
        /// The server process that sent it.
        package var senderPID: Int32
    }

    /// Waits up to `timeout` seconds for the notifications of the channels this connection
    /// listens to (`LISTEN name` first), and returns those that came (none after the timeout).
    /// Notifications that arrived during earlier statements are returned at once.
    package func notifications(timeout: Double) throws(PostgresError) -> [Notification] {
        var received = takeNotifications()
        guard received.isEmpty else { return received }
        let socket = PQsocket(handle)
        guard socket >= 0 else {
            throw PostgresError(.statementFailed, "the connection to PostgreSQL at \(redactedURL) has no socket", url: redactedURL)
        }
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        while received.isEmpty {
            let left = ContinuousClock.now.duration(to: deadline)
            guard left > .zero else { break }
            var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            let milliseconds = Int32(clamping: Int(min(Double(Int32.max), (left / .milliseconds(1)).rounded(.up))))
            let ready = poll(&descriptor, 1, max(1, milliseconds))
            if ready < 0 && errno != EINTR {
                throw PostgresError(.statementFailed, "waiting for PostgreSQL at \(redactedURL) failed: errno \(errno)", url: redactedURL)
            }
            if ready > 0 && PQconsumeInput(handle) == 0 {
                let reason = Self.libpqMessage(handle)
                throw PostgresError(
                    .statementFailed, "PostgreSQL at \(redactedURL) failed while waiting for notifications: \(reason)",
                    url: redactedURL, serverMessage: reason)
            }
            received = takeNotifications()
        }
        return received
    }

    /// The notifications libpq has read and not handed out yet.
    private func takeNotifications() -> [Notification] {
        var notifications: [Notification] = []
        while let notification = PQnotifies(handle) {
            defer { PQfreemem(notification) }
            let item = notification.pointee
            notifications.append(
                Notification(
                    channel: item.relname.map { String(cString: $0) } ?? "",
                    payload: item.extra.map { String(cString: $0) } ?? "",
                    senderPID: item.be_pid))
        }
        return notifications
    }

    /// The most parameters one statement can take (the protocol counts them in 16 bits).
    package static let maximumParameters = 65535

    // MARK: C strings

    private static func libpqMessage(_ connection: OpaquePointer) -> String {
        guard let text = PQerrorMessage(connection) else { return "unknown error" }
        let message = String(cString: text).trimmingCharacters(in: .whitespacesAndNewlines)
        return message.isEmpty ? "unknown error" : message
    }

    /// Calls `body` with a C array of C strings for `strings` (valid during the call only).
    private static func withCStrings<T>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> T) -> T {
        withOptionalCStrings(strings) { body($0) }
    }

    /// Calls `body` with a C array of C strings (nil stays a null pointer), valid during the call only.
    private static func withOptionalCStrings<T>(_ strings: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> T) -> T {
        // One buffer holds every string, NUL-terminated, one after another.
        var bytes: [UInt8] = []
        var offsets: [Int?] = []
        offsets.reserveCapacity(strings.count)
        bytes.reserveCapacity(strings.reduce(0) { $0 + ($1?.utf8.count ?? 0) + 1 })
        for string in strings {
            guard let string else {
                offsets.append(nil)
                continue
            }
            offsets.append(bytes.count)
            bytes.append(contentsOf: string.utf8)
            bytes.append(0)
        }
        return bytes.withUnsafeBufferPointer { buffer in
            // A trailing null pointer: PQconnectdbParams reads its arrays up to one.
            let pointers = UnsafeMutablePointer<UnsafePointer<CChar>?>.allocate(capacity: offsets.count + 1)
            defer { pointers.deallocate() }
            let base = buffer.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }
            for (index, offset) in offsets.enumerated() {
                (pointers + index).initialize(to: offset.flatMap { offset in base.map { $0 + offset } })
            }
            (pointers + offsets.count).initialize(to: nil)
            return body(UnsafePointer(pointers))
        }
    }
}

/// The rows of a statement's result, as text (nil for NULL), copied out of libpq's result.
package struct PostgresRows: Sendable {
    /// The columns' names, in order.
    package let columns: [String]
    /// Each row's values in column order; nil is NULL.
    package let rows: [[String?]]
    /// The rows a command touched (`INSERT 0 3` → 3), or nil for a command that does not say.
    package let affectedRows: Int?

    init(_ result: OpaquePointer) {
        let columnCount = Int(PQnfields(result))
        let rowCount = Int(PQntuples(result))
        columns = (0..<columnCount).map { column in PQfname(result, Int32(column)).map { String(cString: $0) } ?? "" }
        rows = (0..<rowCount).map { row in
            (0..<columnCount).map { column in
                guard PQgetisnull(result, Int32(row), Int32(column)) == 0, let value = PQgetvalue(result, Int32(row), Int32(column)) else { return nil }
                return String(cString: value)
            }
        }
        let touched = PQcmdTuples(result).map { String(cString: $0) } ?? ""
        affectedRows = Int(touched)
    }

    /// The first row's first value: the answer of `SELECT count(*) …`.
    package var scalar: String? { rows.first?.first ?? nil }

    /// Each row as a dictionary from column name to value (NULL columns left out).
    package var dictionaries: [[String: String]] {
        rows.map { row in
            var dictionary: [String: String] = [:]
            for (name, value) in zip(columns, row) { dictionary[name] = value }
            return dictionary
        }
    }
}
