import ArgumentParser
import ETLKit
import Foundation
import Logging

/// How `etl run` writes its log lines, progress reports and summary on standard error.
enum LogFormat: String, CaseIterable, ExpressibleByArgument, Sendable {
    /// Lines for people: swift-log's own text lines, the summary as a table.
    case text
    /// One JSON object per line (JSON Lines) for log collectors and `jq`: every log line, every
    /// progress report and the summary, each with `time`, `level` and `message`.
    case json

    /// Writes a message of the command itself (not of a logger): `error: …` as text, or a JSON line.
    func report(_ level: String, _ message: String) {
        switch self {
        case .text: Console.error("\(level): \(message)")
        case .json: JSONLogHandler.write(["level": .string(level), "message": .string(message), "label": "etl"])
        }
    }

    /// Sets up swift-log for the whole process (once, before any logger is made).
    func bootstrap(level: Logger.Level) {
        switch self {
        case .text:
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        case .json:
            LoggingSystem.bootstrap { label in
                var handler = JSONLogHandler(label: label)
                handler.logLevel = level
                return handler
            }
        }
    }
}

/// A swift-log handler that writes each event as one line of JSON on standard error:
/// `{"label":"etl","level":"info","message":"…","source":"ETLKit","time":"2026-11-26T14:00:00Z"}`
/// plus the event's metadata as further members (keys sorted, as every JSON `etl` writes).
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    init(label: String) {
        self.label = label
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var fields: [String: JSONValue] = [:]
        let merged = metadata.merging(metadataProvider?.get() ?? [:]) { _, new in new }
            .merging(event.metadata ?? [:]) { _, new in new }
        for (key, value) in merged { fields[key] = Self.json(value) }
        fields["label"] = .string(label)
        fields["level"] = .string(event.level.rawValue)
        fields["message"] = .string(event.message.description)
        fields["source"] = .string(event.source)
        Self.write(fields)
    }

    /// Writes one JSON line on standard error, with the current time as `time` (unless given).
    static func write(_ fields: [String: JSONValue]) {
        var fields = fields
        if fields["time"] == nil { fields["time"] = .string(Timestamp.iso8601(Date())) }
        var line: [UInt8] = []
        JSONValue.object(fields).write(to: &line)
        line.append(UInt8(ascii: "\n"))
        FileHandle.standardError.write(Data(line))
    }

    private static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let text): return .string(text)
        case .stringConvertible(let value): return .string(value.description)
        case .array(let values): return .array(values.map(json))
        case .dictionary(let members): return .object(members.mapValues(json))
        }
    }
}
