import ETLKit
import Foundation
// GRDB has a `Record` class too; this file needs neither.
import GRDB

/// The unique values of a `jsonl` sink's file in `append` mode, with the content digest of each
/// value's last line, kept in a SQLite file beside it (`.NAME.etl-unique.sqlite`), so that opening
/// a file of any size costs one query instead of reading every line.
///
/// The index records the size of the file it describes. When the sizes differ (the file was
/// edited, cut, or a run was killed after writing lines but before committing them here), the index
/// is rebuilt from the file once, line by line. Lookups go to SQLite one value at a time; what a
/// run writes is committed after the lines reach the file (``commit(_:fileSize:)``).
struct JSONLUniqueIndex {
    /// The index file for a JSON Lines file: hidden, beside it.
    static func path(for jsonlPath: String) -> String {
        let name = ".\(OutputFile.fileName(of: jsonlPath)).etl-unique.sqlite"
        return OutputFile.parentDirectory(of: jsonlPath).map { $0.hasSuffix("/") ? $0 + name : $0 + "/" + name } ?? name
    }

    let database: DatabaseQueue
    /// Whether opening rebuilt the index from the file (for the log and the tests).
    let wasRebuilt: Bool

    /// Opens (or creates) the index of `jsonlPath`, now `fileSize` bytes long, rebuilding it when it
    /// does not describe that size: `readLines` reads the file and hands each line's value and
    /// digest, in file order, to the function it is given.
    init(jsonlPath: String, fileSize: Int64, readLines: (_ add: (String, String) throws -> Void) throws -> Void) throws {
        var configuration = Configuration()
        configuration.journalMode = .wal
        configuration.busyMode = .timeout(10)
        database = try DatabaseQueue(path: Self.path(for: jsonlPath), configuration: configuration)
        let indexedSize = try database.write { database -> Int64? in
            try database.execute(
                sql: """
                    CREATE TABLE IF NOT EXISTS line (value TEXT PRIMARY KEY, digest TEXT NOT NULL) WITHOUT ROWID;
                    CREATE TABLE IF NOT EXISTS file (key TEXT PRIMARY KEY, size INTEGER NOT NULL);
                    """)
            return try Int64.fetchOne(database, sql: "SELECT size FROM file WHERE key = 'size'")
        }
        wasRebuilt = indexedSize != fileSize
        guard wasRebuilt else { return }
        try database.write { database in
            try database.execute(sql: "DELETE FROM line")
            let statement = try database.makeStatement(sql: "INSERT OR REPLACE INTO line (value, digest) VALUES (?, ?)")
            try readLines { value, digest in try statement.execute(arguments: [value, digest]) }
            try database.execute(sql: "INSERT OR REPLACE INTO file (key, size) VALUES ('size', ?)", arguments: [fileSize])
        }
    }

    /// The digest of the last line that holds `value`, if the file has one.
    func digest(of value: String) throws -> String? {
        try database.read { try String.fetchOne($0, sql: "SELECT digest FROM line WHERE value = ?", arguments: [value]) }
    }

    /// Records lines that reached the file, which is now `fileSize` bytes long, in one transaction.
    func commit(_ lines: [String: String], fileSize: Int64) throws {
        try database.write { database in
            let statement = try database.makeStatement(sql: "INSERT OR REPLACE INTO line (value, digest) VALUES (?, ?)")
            for (value, digest) in lines { try statement.execute(arguments: [value, digest]) }
            try database.execute(sql: "INSERT OR REPLACE INTO file (key, size) VALUES ('size', ?)", arguments: [fileSize])
        }
    }
}
