import Foundation

/// The record a dead-letter sink receives for an input that failed: where it came from, which step
/// failed, why, and when (`url`, `source`, `step`, `reason`, `failedAt`), the document its URL was
/// found in (`foundIn`, see ``Record/foundIn``), and whatever fields it had gathered by then.
public enum DeadLetter {
    /// Builds the dead-letter record for `record`, which failed in `step` with `reason`.
    public static func record(for record: Record, step: String, reason: String, at date: Date = Date()) -> Record {
        var fields: [String: JSONValue] = [
            "url": .string(record.url),
            "source": .string(record.source),
            "step": .string(step),
            "reason": .string(reason),
            "failedAt": .string(Timestamp.iso8601(date)),
        ]
        if let foundIn = record.foundIn { fields["foundIn"] = .string(foundIn) }
        if let status = record.response?.status { fields["status"] = .integer(status) }
        if !record.fields.isEmpty { fields["fields"] = .object(record.fields) }
        return Record(url: record.url, source: record.source, fields: fields)
    }

    /// The text of an error for a dead letter: its description (errors of `etl` and its plugins
    /// describe themselves with their context).
    public static func reason(for error: any Error) -> String {
        String(describing: error)
    }
}
