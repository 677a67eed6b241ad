import ETLKit
import Foundation

/// The `map` transform: renames, sets and drops fields. `set` values that are strings may name
/// fields in braces: `"{site}: {title}"`.
///
/// Order: `rename`, then `set` (templates read the fields after renaming, before dropping), then
/// `drop`, so that a field can feed a template and still be dropped.
public struct FieldMap: Transform {
    public static let descriptor = PluginDescriptor(
        id: "map",
        kind: .transform,
        summary: "Renames, sets (with {field} templates) and drops fields.",
        discussion: """
            Runs rename, then set, then drop. A `set` string is a template: `{name}` is the field's text (lists \
            joined by line breaks; a missing field gives nothing), `{{` and `}}` are literal braces. Other JSON \
            values are set as they are. `{url}` is the record's URL when no field holds one.
            """,
        options: [Option.rename.spec, Option.drop.spec, Option.set.spec]
    )

    /// One piece of a template.
    enum TemplatePart: Sendable, Equatable {
        case text(String)
        case field(String)
    }

    /// A value to set: a template, or a JSON value set as it is.
    enum Value: Sendable, Equatable {
        case template([TemplatePart])
        case json(JSONValue)
    }

    let renames: [(from: String, to: String)]
    let drops: [String]
    let sets: [(field: String, value: Value)]

    /// The options, each declared once (``OptionKey``).
    enum Option {
        static let rename: OptionKey<[String: String]> = .stringMap(
            "rename", "Object of old field name → new name; a missing field is skipped, an existing target is replaced.")
        static let drop: OptionKey<[String]> = .strings("drop", "Fields to remove.")
        static let set: OptionKey<JSONValue?> = .any("set", "Object of field → value; strings may use {field} templates, such as \"{site}: {title}\".")
    }

    public init(options: PluginOptions) throws {
        let renameMap = options[Option.rename]
        for (from, to) in renameMap where from.isEmpty || to.isEmpty {
            throw OptionError(option: Option.rename.name, "has an empty field name (\"\(from)\" → \"\(to)\")")
        }
        renames = renameMap.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        drops = options[Option.drop]
        var sets: [(String, Value)] = []
        if let value = options[Option.set], !value.isNull {
            guard let object = value.objectValue else {
                throw OptionError(option: Option.set.name, "must be an object of field → value, such as {\"headline\": \"{site}: {title}\"}")
            }
            for (field, value) in object.sorted(by: { $0.key < $1.key }) {
                guard !field.isEmpty else { throw OptionError(option: Option.set.name, "has an empty field name") }
                if let text = value.stringValue {
                    do {
                        sets.append((field, .template(try Self.parseTemplate(text))))
                    } catch let error as TemplateError {
                        throw OptionError(option: Option.set.name, "has a bad template for \"\(field)\": \(error.reason)")
                    }
                } else {
                    sets.append((field, .json(value)))
                }
            }
        }
        self.sets = sets
    }

    public func apply(to record: Record, context: RunContext) async throws -> Record? {
        var record = record
        for (from, to) in renames {
            guard let value = record.fields.removeValue(forKey: from) else { continue }
            record.fields[to] = value
        }
        // Templates read the record as it is before any set value lands.
        let source = record
        for (field, value) in sets {
            switch value {
            case .json(let json): record.fields[field] = json
            case .template(let parts): record.fields[field] = .string(Self.render(parts, with: source))
            }
        }
        for field in drops { record.fields.removeValue(forKey: field) }
        return record
    }

    /// A template's text for a record.
    static func render(_ parts: [TemplatePart], with record: Record) -> String {
        var result = ""
        for part in parts {
            switch part {
            case .text(let text): result += text
            case .field(let name):
                if let value = record.output[name], !value.isNull { result += value.plainText }
            }
        }
        return result
    }

    struct TemplateError: Error {
        var reason: String
    }

    /// `"{site}: {title}"` → field, text, field. `{{` and `}}` are literal braces.
    static func parseTemplate(_ template: String) throws -> [TemplatePart] {
        var parts: [TemplatePart] = []
        var text = String.UnicodeScalarView()
        let scalars = Array(template.unicodeScalars)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "{" || scalar == "}", index + 1 < scalars.count, scalars[index + 1] == scalar {
                text.append(scalar)
                index += 2
                continue
            }
            if scalar == "}" { throw TemplateError(reason: "a \"}\" closes nothing (write \"}}\" for a brace)") }
            if scalar == "{" {
                guard let close = scalars[(index + 1)...].firstIndex(of: "}") else {
                    throw TemplateError(reason: "a \"{\" is never closed (write \"{{\" for a brace)")
                }
                let name = String(String.UnicodeScalarView(scalars[(index + 1)..<close])).trimmingWhitespace()
                guard !name.isEmpty, !name.unicodeScalars.contains("{") else {
                    throw TemplateError(reason: "\"{…}\" must hold a field name")
                }
                if !text.isEmpty {
                    parts.append(.text(String(text)))
                    text = String.UnicodeScalarView()
                }
                parts.append(.field(name))
                index = close + 1
                continue
            }
            text.append(scalar)
            index += 1
        }
        if !text.isEmpty { parts.append(.text(String(text))) }
        return parts
    }
}
