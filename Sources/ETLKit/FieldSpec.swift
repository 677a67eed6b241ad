/// A field a plugin sets on records: its name, its JSON Schema, and what it holds. Plugins list
/// theirs in ``PluginDescriptor/fields``; `etl schema record` puts a pipeline's together into the
/// record's JSON Schema, and the README's record table is the same list.
public struct FieldSpec: Sendable {
    public var name: String
    /// The JSON Schema of the field's value (`{"type": ["string", "null"]}`).
    public var schema: JSONValue
    /// One sentence: what the field holds.
    public var summary: String

    public init(_ name: String, _ schema: JSONValue, _ summary: String) {
        self.name = name
        self.schema = schema
        self.summary = summary
    }

    /// Text, or null when the page has none.
    public static let text: JSONValue = ["type": ["string", "null"]]
    /// A list of texts (empty when the page has none).
    public static let texts: JSONValue = ["type": "array", "items": ["type": "string"]]
    /// An ISO 8601 date (`2024-11-26`) or date-time with its offset (`2024-11-26T10:00:00+03:30`),
    /// or null: checked by pattern, since JSON Schema validators do not check `format` by default.
    public static let date: JSONValue = [
        "type": ["string", "null"],
        "pattern": .string(#"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$"#),
    ]
}

extension Record {
    /// The fields every record has (`url`) or every fetched record has (the provenance; see
    /// ``output``).
    public static let provenanceFields = [
        FieldSpec("url", ["type": "string", "minLength": 1], "The page's URL: where redirects ended, when they changed it."),
        FieldSpec("requestedUrl", ["type": "string"], "The URL asked for, when redirects changed it (only then)."),
        FieldSpec(
            "fetchedAt", ["type": "string", "pattern": .string(#"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"#)],
            "When the page was fetched: ISO 8601, UTC, to the second."),
        FieldSpec("status", ["type": "integer", "minimum": 100, "maximum": 599], "The HTTP status of the answer (200 for a file read)."),
        FieldSpec("contentType", ["type": "string"], "The Content-Type header as received, when there was one."),
    ]

    /// The JSON Schema (draft 2020-12) of the records a pipeline with these steps writes: the
    /// provenance fields and each step's own; other fields (a `map` step's, a source's) are allowed.
    public static func jsonSchema(steps: [PluginDescriptor]) -> JSONValue {
        var properties: [String: JSONValue] = [:]
        for field in provenanceFields + steps.flatMap(\.fields) {
            var schema = field.schema.objectValue ?? [:]
            schema["description"] = .string(field.summary)
            properties[field.name] = .object(schema)
        }
        return [
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "etl record",
            "description": .string(
                "A record as the jsonl sink writes it (one JSON object a line) and the sqlite sink stores it, from the steps \(steps.map(\.id).joined(separator: ", ")). Fields other plugins add are allowed."
            ),
            "type": "object",
            "required": ["url"],
            "properties": .object(properties),
            "additionalProperties": true,
        ]
    }
}
