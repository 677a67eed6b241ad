import ETLKit
import ETLPostgres
import Testing

@testable import ETLPlugins

/// What the `postgres` sink sends, without a server: typed values, SQL, options, and URLs with
/// their passwords redacted.
@Suite struct PostgresValuesTests {
    @Test func passwordsAreRedactedFromURLsAndConnectionStrings() {
        #expect(
            PostgresURL.redacted("postgres://etl:s3cret@db.example:5432/corpus?sslmode=require")
                == "postgres://etl:***@db.example:5432/corpus?sslmode=require")
        #expect(PostgresURL.redacted("postgresql://etl:p%40ss:w@rd@db.example/corpus") == "postgresql://etl:***@db.example/corpus")
        #expect(
            PostgresURL.redacted("POSTGRES://etl@db.example/corpus?sslmode=verify-full&password=s3cret&sslpassword=k3y")
                == "POSTGRES://etl@db.example/corpus?sslmode=verify-full&password=***&sslpassword=***")
        #expect(PostgresURL.redacted("postgres://etl@db.example/corpus") == "postgres://etl@db.example/corpus")
        #expect(PostgresURL.redacted("postgres:///corpus?host=/var/run/postgresql") == "postgres:///corpus?host=/var/run/postgresql")
        #expect(PostgresURL.redacted("host=db.example password=s3cret dbname=corpus") == "host=db.example password=*** dbname=corpus")
        #expect(PostgresURL.redacted("host=db password = 'it''s s3cret' dbname=corpus") == "host=db password = *** dbname=corpus")
    }

    @Test func urlsAreCheckedWithoutConnecting() {
        #expect(PostgresURL.problem(with: "postgres://etl:pw@127.0.0.1:1/corpus?sslmode=require") == nil)
        #expect(PostgresURL.problem(with: "host=localhost dbname=corpus") == nil)
        let problem = PostgresURL.problem(with: "postgres://etl:s3cret@host:port/db")
        #expect(problem != nil)
        #expect(!(problem ?? "").contains("s3cret"))
        #expect(PostgresURL.problem(with: "postgres://h/db?nosuchoption=1") != nil)
        #expect(
            PostgresURL.problem(with: "postgres://h/db?sslmode=sometimes")
                == #"sslmode "sometimes" is not one of disable, allow, prefer, require, verify-ca, verify-full"#)
        #expect(PostgresURL.problem(with: "postgres://h:99999/db") == #"the port "99999" is not a number from 1 to 65535"#)
    }

    @Test func momentsAreDateTimesWithAnOffsetAndARealDate() {
        for text in [
            "2022-12-17T08:28:00+03:30", "2022-12-17T08:28+0330", "2022-12-17T08:28:00Z", "2024-02-29T23:59:60.25-05",
            "2022-12-17 08:28:00+03:30",
        ] {
            #expect(PostgresSink.moment(text) == text, "\(text)")
        }
        for text in [
            "2022-12-17", "2022-12-17T08:28:00", "2023-02-29T10:00:00Z", "2022-13-01T10:00:00Z", "2022-12-17T24:00:00Z",
            "2022-12-17T08:28:00+16:00", "2022-12-17T08:28:00+03:30x", "2022-12-17T08:28:00.Z", "۲۰۲۲-۱۲-۱۷T08:28:00Z", "",
        ] {
            #expect(PostgresSink.moment(text) == nil, "\(text)")
        }
    }

    @Test func valuesTakeTheirColumnsTypes() {
        typealias Sink = PostgresSink
        #expect(Sink.ColumnType(field: "published") == .timestamptz)
        #expect(Sink.ColumnType(field: "tags") == .textArray)
        #expect(Sink.ColumnType(field: "tables") == .jsonb)
        #expect(Sink.ColumnType(field: "status") == .integer)
        #expect(Sink.ColumnType(field: "newsId") == .text)
        #expect(
            Sink.value(.array([.string("a"), .string("b \"c\" \\d"), .integer(3), .null]), column: "tags", type: .textArray)
                == #"{"a","b \"c\" \\d","3",NULL}"#)
        #expect(Sink.value(.string("one"), column: "tags", type: .textArray) == #"{"one"}"#)
        #expect(Sink.value(.array([]), column: "images", type: .textArray) == "{}")
        #expect(Sink.value(.array([.string("p1"), .string("p2")]), column: "body", type: .text) == "p1\n\np2")
        #expect(Sink.value(.string("a\u{0}b"), column: "title", type: .text) == "ab")
        #expect(Sink.value(.object(["k\u{0}": .string("v\u{0}")]), column: "tables", type: .jsonb) == #"{"k":"v"}"#)
        #expect(Sink.value(.integer(200), column: "status", type: .integer) == "200")
        #expect(Sink.value(.integer(1 << 40), column: "status", type: .integer) == nil)
        #expect(Sink.value(.string("x"), column: "status", type: .integer) == nil)
        #expect(Sink.value(.null, column: "title", type: .text) == nil)
        #expect(Sink.value(nil, column: "title", type: .text) == nil)
    }

    @Test func theUpsertLeavesRowsWhoseContentIsTheSame() {
        let sql = PostgresSink.upsertSQL(table: "articles", key: "url", columns: ["title", "fetchedAt"], types: [.text, .timestamptz], rows: 2)
        #expect(
            sql.hasPrefix(
                #"INSERT INTO "articles" AS existing ("url", "title", "fetchedAt", "record", "updatedAt") VALUES "#
                    + "($1::text, $2::text, $3::timestamptz, $4::jsonb, now()), ($5::text, $6::text, $7::timestamptz, $8::jsonb, now()) "))
        #expect(sql.contains(#"ON CONFLICT ("url") DO UPDATE SET "title" = excluded."title", "fetchedAt" = excluded."fetchedAt""#))
        #expect(
            sql.hasSuffix(
                #"WHERE (existing."title", existing."record" - ARRAY['fetchedAt']::text[]) IS DISTINCT FROM "#
                    + #"(excluded."title", excluded."record" - ARRAY['fetchedAt']::text[])"#))
    }

    @Test func optionsAreCheckedAsTheSQLiteSinksAre() throws {
        func options(_ extra: [String: JSONValue]) -> PluginOptions {
            PluginOptions(extra.merging(["url": .string("postgres://etl@localhost/corpus")]) { old, _ in old })
        }
        let sink = try PostgresSink(options: options([:]))
        #expect(sink.table == "articles")
        #expect(sink.key == "url")
        #expect(sink.columns == Array(ArticleField.columns.dropFirst()) + ["tables"])
        #expect(sink.batchSize == 500)
        #expect(throws: OptionError.self) { try PostgresSink(options: options(["table": .string("bad name")])) }
        #expect(throws: OptionError.self) { try PostgresSink(options: options(["key": .string("record")])) }
        #expect(throws: OptionError.self) { try PostgresSink(options: options(["columns": .array([.string("updatedAt")])])) }
        #expect(throws: OptionError.self) { try PostgresSink(options: options(["columns": .array([.string("title"), .string("Title")])])) }
        #expect(throws: OptionError.self) { try PostgresSink(options: options(["table": .string(String(repeating: "t", count: 64))])) }
        #expect(throws: OptionError.self) { try PostgresSink(options: PluginOptions(["url": .string("")])) }
    }
}
