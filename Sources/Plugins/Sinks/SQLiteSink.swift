import ETLKit
import Foundation
// GRDB has a `Record` class too: this file writes `ETLKit.Record` where it means the pipeline's.
import GRDB

/// Sink `sqlite`: one row per record in a SQLite table, upserted on a key field (the URL by
/// default), so that a re-run updates rows instead of adding them.
///
/// The table has the key column (`TEXT PRIMARY KEY`), one `TEXT` column per field in `columns`,
/// `data` with the whole record output as JSON (nothing is lost to the choice of columns), and
/// `updatedAt`, the ISO 8601 time of the last write. A table that exists already gets the missing
/// columns added, so a pipeline can grow its column list between runs.
///
/// The database is in WAL mode with `synchronous = NORMAL`: each record is its own transaction, so
/// a killed run loses nothing written before it, and readers are not blocked while a run writes;
/// only a power cut can lose the last transactions.
public actor SQLiteSink: Sink {
    public static let descriptor = PluginDescriptor(
        id: "sqlite",
        kind: .sink,
        summary: "Upserts each record as a row of a SQLite table, keyed on a field (the URL by default).",
        discussion: """
            Columns are TEXT: strings as they are, `body` lists joined by blank lines, other lists \
            and objects as JSON, numbers as their JSON text, missing fields as NULL. The `data` \
            column holds the whole record as JSON and `updatedAt` the time of the last write. \
            Missing columns are added to an existing table.
            """,
        options: [Option.path.spec, Option.table.spec, Option.key.spec, Option.columns.spec]
    )

    /// The options, each declared once (``OptionKey``).
    enum Option {
        static let path: OptionKey<String?> = .string("path", required: true, "The database file, such as \"out/articles.sqlite\".")
        static let table: OptionKey<String> = .string("table", default: "articles", "The table to write.")
        static let key: OptionKey<String> = .string("key", default: "url", "The field that identifies a record: the table's primary key.")
        static let columns: OptionKey<[String]> = .strings(
            "columns", default: ArticleField.columns, "The fields that get a column of their own (all fields are in the `data` column anyway).")
    }

    /// Columns the sink fills itself.
    static let dataColumn = "data"
    static let updatedAtColumn = "updatedAt"

    public nonisolated let path: String
    public nonisolated var outputPath: String? { path }
    public nonisolated let table: String
    public nonisolated let key: String
    /// The field columns besides the key, in order, without duplicates.
    public nonisolated let columns: [String]

    private var database: DatabaseQueue?
    /// The upsert statement's SQL, built once from the (checked) names.
    private let upsertSQL: String

    public init(options: PluginOptions) throws {
        guard let path = options[Option.path], !path.isEmpty else {
            throw OptionError(option: Option.path.name, "must name a database file, such as \"out/articles.sqlite\"")
        }
        let layout = try TableLayout(
            table: options[Option.table], key: options[Option.key], columns: options[Option.columns],
            reserved: [Self.dataColumn, Self.updatedAtColumn])
        let (table, key, columns) = (layout.table, layout.key, layout.columns)

        self.path = path
        self.table = table
        self.key = key
        self.columns = columns
        self.upsertSQL = Self.upsertSQL(table: table, key: key, columns: columns)
    }

    public func open(context: RunContext) async throws {
        do {
            try OutputFile.createParentDirectory(of: path)
            var configuration = Configuration()
            configuration.journalMode = .wal
            // Another process (a reader, or a second run) may hold a lock for a moment.
            configuration.busyMode = .timeout(10)
            configuration.prepareDatabase { database in
                try database.execute(sql: "PRAGMA synchronous = NORMAL")
            }
            let database = try DatabaseQueue(path: path, configuration: configuration)
            let (table, key, columns) = (table, key, columns)
            try await database.write { database in
                try Self.prepareTable(table, key: key, columns: columns, in: database)
            }
            self.database = database
        } catch {
            throw SQLiteSinkError.cannotOpen(path: path, table: table, reason: Self.reason(for: error), underlying: error)
        }
    }

    public func write(_ record: ETLKit.Record) async throws {
        guard let database else { throw SQLiteSinkError.notOpen(path: path) }
        let output = record.output
        guard let keyValue = Self.columnValue(output[key], column: key), !keyValue.isEmpty else {
            throw SQLiteSinkError.missingKey(key: key, url: record.url)
        }
        var values: [DatabaseValue] = [keyValue.databaseValue]
        for column in columns {
            values.append(Self.columnValue(output[column], column: column)?.databaseValue ?? .null)
        }
        values.append(JSONValue.object(output).jsonText().databaseValue)
        values.append(Timestamp.iso8601(Date()).databaseValue)

        let sql = upsertSQL
        let arguments = StatementArguments(values)
        do {
            try await database.write { database in
                try database.cachedStatement(sql: sql).execute(arguments: arguments)
            }
        } catch {
            throw SQLiteSinkError.writeFailed(path: path, table: table, key: keyValue, reason: Self.reason(for: error), underlying: error)
        }
    }

    public func close() async throws {
        guard let database else { return }
        self.database = nil
        do {
            try database.close()
        } catch {
            throw SQLiteSinkError.cannotClose(path: path, reason: Self.reason(for: error), underlying: error)
        }
    }

    // MARK: Values

    /// A field's value as column text, or nil for NULL: strings as they are, a `body` list of strings
    /// as paragraphs separated by a blank line, other lists and objects as JSON, numbers and Booleans
    /// as their JSON text.
    static func columnValue(_ value: JSONValue?, column: String) -> String? {
        guard let value else { return nil }
        switch value {
        case .null:
            return nil
        case .string(let text):
            return text
        case .array(let elements) where column == "body":
            let strings = elements.compactMap(\.stringValue)
            return strings.count == elements.count ? strings.joined(separator: "\n\n") : value.jsonText()
        default:
            return value.jsonText()
        }
    }

    // MARK: Schema

    /// Creates the table, or adds the columns and key index an existing table lacks.
    private static func prepareTable(_ table: String, key: String, columns: [String], in database: Database) throws {
        let quotedTable = table.quotedDatabaseIdentifier
        let ownColumns = columns + [dataColumn, updatedAtColumn]
        guard try database.tableExists(table) else {
            let definitions =
                ["\(key.quotedDatabaseIdentifier) TEXT NOT NULL PRIMARY KEY"]
                + ownColumns.map { "\($0.quotedDatabaseIdentifier) TEXT" }
            try database.execute(sql: "CREATE TABLE \(quotedTable) (\(definitions.joined(separator: ", ")))")
            return
        }
        let existing = Set(try database.columns(in: table).map { $0.name.lowercased() })
        for column in [key] + ownColumns where !existing.contains(column.lowercased()) {
            try database.execute(sql: "ALTER TABLE \(quotedTable) ADD COLUMN \(column.quotedDatabaseIdentifier) TEXT")
        }
        // An upsert needs a unique index on the key. A table made by this sink has one (its primary
        // key); a table made otherwise, or one that got the key column just now, gets one here.
        if try !database.table(table, hasUniqueKey: [key]) {
            let index = "\(table)_\(key)_key".quotedDatabaseIdentifier
            try database.execute(sql: "CREATE UNIQUE INDEX \(index) ON \(quotedTable) (\(key.quotedDatabaseIdentifier))")
        }
    }

    /// `INSERT … ON CONFLICT(key) DO UPDATE SET …` for every column.
    private static func upsertSQL(table: String, key: String, columns: [String]) -> String {
        let updated = columns + [dataColumn, updatedAtColumn]
        let names = ([key] + updated).map(\.quotedDatabaseIdentifier)
        let placeholders = Array(repeating: "?", count: names.count).joined(separator: ", ")
        let assignments = updated.map { "\($0.quotedDatabaseIdentifier) = excluded.\($0.quotedDatabaseIdentifier)" }
        return """
            INSERT INTO \(table.quotedDatabaseIdentifier) (\(names.joined(separator: ", "))) VALUES (\(placeholders)) \
            ON CONFLICT(\(key.quotedDatabaseIdentifier)) DO UPDATE SET \(assignments.joined(separator: ", "))
            """
    }

    /// An error's text: GRDB's `DatabaseError` describes itself with the SQLite code and message.
    private static func reason(for error: any Error) -> String {
        if let error = error as? DatabaseError {
            return error.message.map { "\($0) (SQLite error \(error.resultCode.rawValue))" } ?? String(describing: error)
        }
        if let error = error as? CocoaError {
            return error.localizedDescription
        }
        if let error = error as? OutputFileError {
            return error.reason
        }
        return String(describing: error)
    }
}
