import ETLKit
import ETLPostgres
import Foundation

/// Sink `postgres`: one row per record in a PostgreSQL table, upserted on a key field (the URL by
/// default) in batches, so that a re-run updates rows instead of adding them, and a replay of the
/// same records changes nothing.
///
/// The table has the key column (`text PRIMARY KEY`), one typed column per field in `columns`
/// (``ColumnType``: `published`, `modified` and `fetchedAt` are `timestamptz`, `authors`, `tags`
/// and `images` `text[]`, `tables` `jsonb`, `status` `integer`, the others `text`), `record`, the
/// whole record as `jsonb` (nothing is lost to the choice of columns), and `updatedAt`, when the
/// row's content last changed. A table that exists already gets the missing columns added.
///
/// Records are buffered and written `batchSize` at a time, each batch one transaction of
/// multi-row `INSERT … ON CONFLICT (key) DO UPDATE … WHERE` the content differs (the fetch time,
/// `fetchedAt`, is not content): ``flush()`` writes the buffer, and the runner records a URL as
/// done in its state only after that, so a killed run loses nothing and its replay doubles nothing.
public actor PostgresSink: Sink {
    public static let descriptor = PluginDescriptor(
        id: "postgres",
        kind: .sink,
        summary: "Upserts records into a PostgreSQL table in batches, keyed on a field (the URL by default), with typed columns and the whole record as jsonb.",
        discussion: """
            Column types: published, modified, fetchedAt and failedAt (dead letters) are timestamptz (a date alone, or a \
            time without an offset, is NULL there: no moment is invented; `record` keeps it as \
            written), authors, tags and images text[], tables jsonb, status integer, any other \
            field text (body lists joined by blank lines, other lists and objects as JSON). \
            `record` (jsonb) holds the whole record and `updatedAt` (timestamptz) the time its \
            content last changed; a replayed record whose content is the same (fetchedAt aside) \
            leaves its row untouched. Column names are the field names, so camelCase ones are \
            written quoted in SQL ("newsId"). Missing columns are added to an existing table. \
            The URL is libpq's: TLS with ?sslmode=require (or verify-full), the password in the \
            URL, in PGPASSWORD or in ~/.pgpass; messages show it with the password as ***.
            """,
        options: [Option.url.spec, Option.table.spec, Option.key.spec, Option.columns.spec, Option.batchSize.spec]
    )

    /// The options, each declared once (``OptionKey``).
    enum Option {
        static let url: OptionKey<String?> = .string(
            "url", required: true,
            "The database, as libpq reads it: \"postgres://user:password@host:5432/db?sslmode=require\", or \"${DATABASE_URL}\" from the environment.")
        static let table: OptionKey<String> = .string("table", default: "articles", "The table to write.")
        static let key: OptionKey<String> = .string("key", default: "url", "The field that identifies a record: the table's primary key.")
        static let columns: OptionKey<[String]> = .strings(
            "columns", default: defaultColumns, "The fields that get a typed column of their own (all fields are in the `record` jsonb column anyway).")
        static let batchSize: OptionKey<Int> = .integer(
            "batchSize", minimum: 1, maximum: 10000, default: 500,
            "Records written in one transaction (the sink also writes whenever the run asks it to flush).")
    }

    /// The `sqlite` sink's columns (the article's fields) and the article's `tables`, which jsonb
    /// holds as they are.
    static let defaultColumns = ArticleField.columns + [ArticleField.tables]

    /// Columns the sink fills itself.
    static let recordColumn = "record"
    static let updatedAtColumn = "updatedAt"
    /// The fields that are not content (the fetch time): a change of them alone does not update a row.
    static let fetchFields = ETLKit.Record.fieldsOfTheFetchAlone.sorted()

    /// A column's SQL type, chosen by its field's name.
    enum ColumnType: String, Sendable {
        case text
        case timestamptz
        case textArray = "text[]"
        case jsonb
        case integer

        init(field: String) {
            switch field {
            case ArticleField.published, ArticleField.modified, "fetchedAt", "failedAt": self = .timestamptz
            case ArticleField.authors, ArticleField.tags, ArticleField.images: self = .textArray
            case ArticleField.tables: self = .jsonb
            case "status": self = .integer
            default: self = .text
            }
        }
    }

    /// The URL with its password redacted: what messages and logs show.
    public nonisolated let redactedURL: String
    public nonisolated let table: String
    public nonisolated let key: String
    /// The field columns besides the key, in order, without duplicates.
    public nonisolated let columns: [String]
    public nonisolated let batchSize: Int

    private nonisolated let url: String
    private nonisolated let types: [ColumnType]
    private var client: PostgresClient?
    /// Rows waiting to be written, in arrival order; one per key (a later record of the same key
    /// replaces the earlier one: one statement cannot upsert a row twice).
    private var pending: [[String?]] = []
    private var pendingIndex: [String: Int] = [:]

    public init(options: PluginOptions) throws {
        guard let url = options[Option.url], !url.isEmpty else {
            throw OptionError(option: Option.url.name, "must name a PostgreSQL database, such as \"postgres://etl@localhost/corpus\"")
        }
        if let problem = PostgresURL.problem(with: url) {
            throw OptionError(option: Option.url.name, "is not a PostgreSQL URL that libpq reads: \(problem)")
        }
        let layout = try TableLayout(
            table: options[Option.table], key: options[Option.key], columns: options[Option.columns],
            reserved: [Self.recordColumn, Self.updatedAtColumn], maximumLength: 63, database: "PostgreSQL")
        let (table, key, columns) = (layout.table, layout.key, layout.columns)
        self.url = url
        self.redactedURL = PostgresURL.redacted(url)
        self.table = table
        self.key = key
        self.columns = columns
        self.types = columns.map(ColumnType.init(field:))
        self.batchSize = options[Option.batchSize]
    }

    public func open(context: RunContext) async throws {
        let statements = Self.tableStatements(table: table, key: key, columns: columns, types: types)
        let (table, key) = (table, key)
        do {
            let client = try await PostgresClient.connect(url: url)
            do {
                try await client.transaction { connection in
                    // Two workers opening the same new table at once would both try to create it.
                    try connection.execute("SELECT pg_advisory_xact_lock(hashtext($1))", ["etl.postgres-sink:" + table])
                    for statement in statements { try connection.execute(statement) }
                    if try !Self.hasUniqueIndex(table: table, column: key, connection: connection) {
                        try connection.execute("CREATE UNIQUE INDEX ON \(Self.quoted(table)) (\(Self.quoted(key)))")
                    }
                }
            } catch {
                await client.close()
                throw error
            }
            self.client = client
            context.logger.info("postgres sink: writing table \"\(table)\" at \(redactedURL)")
        } catch {
            throw PostgresSinkError.cannotOpen(table: table, url: redactedURL, underlying: error)
        }
    }

    public func write(_ record: ETLKit.Record) async throws {
        guard client != nil else { throw PostgresSinkError.notOpen(table: table, url: redactedURL) }
        let row = try row(for: record)
        guard let keyValue = row.first ?? nil else { throw PostgresSinkError.missingKey(key: key, table: table, url: record.url) }
        if let index = pendingIndex[keyValue] {
            pending[index] = row
            return
        }
        // A full buffer is written first; if that fails this record is refused (a dead letter)
        // and the buffer kept, for the next flush to try again.
        if pending.count >= batchSize { try await writePending() }
        pendingIndex[keyValue] = pending.count
        pending.append(row)
    }

    /// Writes the buffered records: the runner calls this before it records them as done.
    public func flush() async throws {
        try await writePending()
    }

    public func close() async throws {
        guard let client else { return }
        try await writePending()
        self.client = nil
        await client.close()
    }

    /// Ends a failed run: the records already handed over are written when the database takes
    /// them (rows are upserted in place: there is no earlier output to keep), then the
    /// connection is closed.
    public func discard() async throws {
        guard let client else { return }
        defer {
            pending = []
            pendingIndex = [:]
        }
        self.client = nil
        let failure: (any Error)?
        do {
            try await Self.write(pending, client: client, statement: upsertStatement)
            failure = nil
        } catch {
            failure = error
        }
        await client.close()
        if let failure { throw PostgresSinkError.writeFailed(records: pending.count, table: table, underlying: failure) }
    }

    // MARK: Writing

    private func writePending() async throws {
        guard !pending.isEmpty else { return }
        guard let client else { throw PostgresSinkError.notOpen(table: table, url: redactedURL) }
        let rows = pending
        do {
            try await Self.write(rows, client: client, statement: upsertStatement)
        } catch {
            throw PostgresSinkError.writeFailed(records: rows.count, table: table, underlying: error)
        }
        pending.removeAll(keepingCapacity: true)
        pendingIndex.removeAll(keepingCapacity: true)
    }

    /// The SQL for `count` rows, for the table's columns.
    private nonisolated var upsertStatement: @Sendable (Int) -> String {
        let (table, key, columns, types) = (table, key, columns, types)
        return { count in Self.upsertSQL(table: table, key: key, columns: columns, types: types, rows: count) }
    }

    /// Writes `rows` in one transaction, as few statements as the parameter limit allows.
    private static func write(_ rows: [[String?]], client: PostgresClient, statement: @escaping @Sendable (Int) -> String) async throws {
        guard let width = rows.first?.count, width > 0 else { return }
        let perStatement = max(1, PostgresConnection.maximumParameters / width)
        try await client.transaction { connection in
            var start = 0
            while start < rows.count {
                let end = min(rows.count, start + perStatement)
                try connection.execute(statement(end - start), Array(rows[start..<end].joined()))
                start = end
            }
        }
    }

    // MARK: Values

    /// The row's parameters: the key, each column's value, the whole record as JSON.
    private func row(for record: ETLKit.Record) throws -> [String?] {
        let output = record.output
        guard let keyValue = Self.textValue(output[key], column: key), !keyValue.isEmpty else {
            throw PostgresSinkError.missingKey(key: key, table: table, url: record.url)
        }
        var row: [String?] = [keyValue]
        row.reserveCapacity(columns.count + 2)
        for (column, type) in zip(columns, types) {
            row.append(Self.value(output[column], column: column, type: type))
        }
        row.append(Self.withoutNUL(.object(output)).jsonText())
        return row
    }

    /// A field's value as the text of its column's type, or nil for NULL.
    static func value(_ value: JSONValue?, column: String, type: ColumnType) -> String? {
        guard let value, !value.isNull else { return nil }
        switch type {
        case .text:
            return textValue(value, column: column)
        case .timestamptz:
            return value.stringValue.flatMap(moment)
        case .textArray:
            let elements = value.arrayValue ?? [value]
            return arrayLiteral(elements.map { textValue($0, column: column) })
        case .jsonb:
            return withoutNUL(value).jsonText()
        case .integer:
            guard let number = value.integerValue ?? value.stringValue.flatMap({ Int($0) }), Int(Int32.min)...Int(Int32.max) ~= number
            else { return nil }
            return String(number)
        }
    }

    /// A value as column text (nil for NULL), as the `sqlite` sink writes it: strings as they
    /// are, a `body` list of strings as paragraphs separated by a blank line, other lists and
    /// objects as JSON, numbers and Booleans as their JSON text. PostgreSQL text cannot hold NUL:
    /// those characters are dropped.
    static func textValue(_ value: JSONValue?, column: String) -> String? {
        guard let value else { return nil }
        switch value {
        case .null:
            return nil
        case .string(let text):
            return withoutNUL(text)
        case .array(let elements) where column == ArticleField.body:
            let strings = elements.compactMap(\.stringValue)
            return strings.count == elements.count ? withoutNUL(strings.joined(separator: "\n\n")) : withoutNUL(value).jsonText()
        default:
            return withoutNUL(value).jsonText()
        }
    }

    /// `{"a","b \"c\""}`: a `text[]` literal, every element quoted (NULL for nil).
    static func arrayLiteral(_ elements: [String?]) -> String {
        let quoted = elements.map { element -> String in
            guard let element else { return "NULL" }
            var text = "\""
            for character in element.unicodeScalars {
                if character == "\"" || character == "\\" { text.unicodeScalars.append("\\") }
                text.unicodeScalars.append(character)
            }
            return text + "\""
        }
        return "{" + quoted.joined(separator: ",") + "}"
    }

    /// `text` when it names a moment: an ISO 8601 date-time with seconds or minutes and an offset
    /// (`Z` or `±hh:mm`), its date a real one; otherwise nil (a date alone, or a time without an
    /// offset, is not a moment, and one impossible date would fail the whole batch).
    static func moment(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[range] {
                guard (0x30...0x39).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        func byte(_ index: Int) -> UInt8? { index < bytes.count ? bytes[index] : nil }
        guard let year = number(0..<4), byte(4) == 0x2D, let month = number(5..<7), byte(7) == 0x2D, let day = number(8..<10),
            byte(10) == 0x54 || byte(10) == 0x20, let hour = number(11..<13), byte(13) == 0x3A, let minute = number(14..<16),
            (1...12).contains(month), year >= 1, hour <= 23, minute <= 59
        else { return nil }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        guard (1...days).contains(day) else { return nil }
        var index = 16
        if byte(index) == 0x3A {
            guard let second = number(17..<19), second <= 60 else { return nil }
            index = 19
            if byte(index) == 0x2E {
                index += 1
                let digits = index
                while let next = byte(index), (0x30...0x39).contains(next) { index += 1 }
                guard index > digits else { return nil }
            }
        }
        if byte(index) == 0x5A, index + 1 == bytes.count { return text }
        guard byte(index) == 0x2B || byte(index) == 0x2D, let offsetHours = number((index + 1)..<(index + 3)), offsetHours <= 15 else { return nil }
        index += 3
        if index == bytes.count { return text }
        if byte(index) == 0x3A { index += 1 }
        guard let offsetMinutes = number(index..<(index + 2)), offsetMinutes <= 59, index + 2 == bytes.count else { return nil }
        return text
    }

    private static func withoutNUL(_ text: String) -> String {
        PostgresText.containsNUL(text) ? String(text.unicodeScalars.filter { $0 != "\u{0}" }) : text
    }

    /// A value with NUL dropped from every string and member name (jsonb cannot hold `\u0000`).
    private static func withoutNUL(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let text): return .string(withoutNUL(text))
        case .array(let elements): return .array(elements.map(withoutNUL))
        case .object(let members):
            var cleaned: [String: JSONValue] = [:]
            for (name, member) in members { cleaned[withoutNUL(name)] = withoutNUL(member) }
            return .object(cleaned)
        default: return value
        }
    }

    // MARK: SQL

    /// A name in double quotes (the checked names hold no quote; doubled anyway).
    static func quoted(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// `CREATE TABLE IF NOT EXISTS`, then `ADD COLUMN IF NOT EXISTS` for every column, so that an
    /// existing table gets what it lacks.
    static func tableStatements(table: String, key: String, columns: [String], types: [ColumnType]) -> [String] {
        let quotedTable = quoted(table)
        let definitions =
            ["\(quoted(key)) text PRIMARY KEY"]
            + zip(columns, types).map { "\(quoted($0)) \($1.rawValue)" }
            + ["\(quoted(recordColumn)) jsonb NOT NULL", "\(quoted(updatedAtColumn)) timestamptz NOT NULL DEFAULT now()"]
        let additions =
            [(key, "text")] + zip(columns, types).map { ($0, $1.rawValue) }
            + [(recordColumn, "jsonb"), (updatedAtColumn, "timestamptz DEFAULT now()")]
        return ["CREATE TABLE IF NOT EXISTS \(quotedTable) (\(definitions.joined(separator: ", ")))"]
            + additions.map { "ALTER TABLE \(quotedTable) ADD COLUMN IF NOT EXISTS \(quoted($0)) \($1)" }
    }

    /// Whether `table` has a unique index on `column` alone (an upsert needs one).
    private static func hasUniqueIndex(table: String, column: String, connection: PostgresConnection) throws -> Bool {
        let rows = try connection.execute(
            """
            SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
            WHERE i.indrelid = to_regclass(quote_ident($1)) AND i.indisunique AND i.indnkeyatts = 1
              AND i.indpred IS NULL AND a.attname = $2
            """, [table, column])
        return !rows.rows.isEmpty
    }

    /// `INSERT … VALUES (…), (…) ON CONFLICT (key) DO UPDATE SET … WHERE` the content differs.
    static func upsertSQL(table: String, key: String, columns: [String], types: [ColumnType], rows: Int) -> String {
        let names = [key] + columns + [recordColumn, updatedAtColumn]
        let casts = ["text"] + types.map(\.rawValue) + ["jsonb"]
        var values: [String] = []
        values.reserveCapacity(rows)
        var parameter = 1
        for _ in 0..<rows {
            var row: [String] = []
            for cast in casts {
                row.append("$\(parameter)::\(cast)")
                parameter += 1
            }
            row.append("now()")
            values.append("(" + row.joined(separator: ", ") + ")")
        }
        let updated = columns + [recordColumn, updatedAtColumn]
        let assignments = updated.map { "\(quoted($0)) = excluded.\(quoted($0))" }
        // The content: every column but the fetch time, and the record without it.
        let compared = columns.filter { !fetchFields.contains($0) }.map(quoted)
        let fetchArray = "ARRAY[" + fetchFields.map { "'\($0)'" }.joined(separator: ", ") + "]::text[]"
        let existing = compared.map { "existing.\($0)" } + ["existing.\(quoted(recordColumn)) - \(fetchArray)"]
        let incoming = compared.map { "excluded.\($0)" } + ["excluded.\(quoted(recordColumn)) - \(fetchArray)"]
        return """
            INSERT INTO \(quoted(table)) AS existing (\(names.map(quoted).joined(separator: ", "))) VALUES \(values.joined(separator: ", ")) \
            ON CONFLICT (\(quoted(key))) DO UPDATE SET \(assignments.joined(separator: ", ")) \
            WHERE (\(existing.joined(separator: ", "))) IS DISTINCT FROM (\(incoming.joined(separator: ", ")))
            """
    }

}
