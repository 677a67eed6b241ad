import ETLKit

/// The table a SQL sink writes, from its `table`, `key` and `columns` options, checked the same way
/// for the `sqlite` and `postgres` sinks: plain SQL names (so they need no quoting rules of either
/// database), no column the sink fills itself, no column listed twice.
///
/// Names are compared without case: SQLite compares column names so, and PostgreSQL folds unquoted
/// names to lower case, so "Title" and "title" would be one column, or confuse whoever reads the table.
struct TableLayout: Sendable {
    /// The table's name.
    let table: String
    /// The column that holds the key field, unique in the table.
    let key: String
    /// The other columns, one per record field, in the order listed (the key left out).
    let columns: [String]

    /// Checks the options' names; `reserved` are the columns the sink fills itself (the whole
    /// record, the time of the last change); `maximumLength`, the database's limit on a name
    /// (PostgreSQL's 63 bytes: a longer one would be cut silently).
    init(table: String, key: String, columns listed: [String], reserved: [String], maximumLength: Int? = nil, database: String = "") throws {
        let reserved = Set(reserved.map { $0.lowercased() })
        try Self.checkIdentifier(table, option: "table", maximumLength: maximumLength, database: database)
        try Self.checkIdentifier(key, option: "key", maximumLength: maximumLength, database: database)
        if reserved.contains(key.lowercased()) {
            throw OptionError(option: "key", "cannot be \"\(key)\": the sink fills that column itself")
        }
        var columns: [String] = []
        var seen: Set<String> = [key.lowercased()]
        for column in listed {
            try Self.checkIdentifier(column, option: "columns", maximumLength: maximumLength, database: database)
            if reserved.contains(column.lowercased()) {
                throw OptionError(option: "columns", "cannot list \"\(column)\": the sink fills that column itself")
            }
            if column.lowercased() == key.lowercased() { continue }
            guard seen.insert(column.lowercased()).inserted else {
                throw OptionError(option: "columns", "lists \"\(column)\" twice (column names are compared without case)")
            }
            columns.append(column)
        }
        self.table = table
        self.key = key
        self.columns = columns
    }

    /// Refuses a name that is not a plain SQL identifier: letters, digits and `_`, not starting
    /// with a digit.
    private static func checkIdentifier(_ name: String, option: String, maximumLength: Int?, database: String) throws {
        let scalars = Array(name.unicodeScalars)
        func isLetter(_ scalar: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || scalar == "_"
        }
        guard let first = scalars.first, isLetter(first),
            scalars.dropFirst().allSatisfy({ isLetter($0) || ("0"..."9").contains($0) })
        else {
            throw OptionError(option: option, "has \"\(name)\", which is not a plain SQL name (letters, digits and _, not starting with a digit)")
        }
        if let maximumLength, scalars.count > maximumLength {
            throw OptionError(option: option, "has \"\(name)\", longer than \(database)'s \(maximumLength)-character names")
        }
    }
}
