import ETLKit
import Foundation

/// The `pattern` source: URLs from a template with a counter, such as the pages of an archive
/// (`https://example.com/archive?page={n}` for n from 1 to 50).
///
/// It is also the README's example of a plugin: one file, one line in `BuiltinPlugins.swift`.
public struct URLPatternSource: Source {
    public static let descriptor = PluginDescriptor(
        id: "pattern",
        kind: .source,
        summary: "URLs from a template with a counter, such as an archive's numbered pages.",
        options: [
            OptionSpec("template", .string, required: true, "A URL with {n} where the number goes."),
            OptionSpec("from", .integer(minimum: 0), default: 1, "The first number."),
            OptionSpec("to", .integer(minimum: 0), required: true, "The last number (included)."),
            OptionSpec("step", .integer(minimum: 1), default: 1, "How much the number grows each time."),
        ]
    )

    let template: String
    public var urlSchemes: Set<String>? { [Pipeline.scheme(of: template)] }
    let numbers: StrideThrough<Int>

    public init(options: PluginOptions) throws {
        template = options.string("template") ?? ""
        guard template.contains("{n}") else { throw OptionError(option: "template", "has no {n} to put the number in") }
        let from = options.integer("from") ?? 1
        let to = options.integer("to") ?? from
        guard to >= from else { throw OptionError(option: "to", "is \(to), less than \"from\" (\(from))") }
        numbers = stride(from: from, through: to, by: options.integer("step") ?? 1)
    }

    public func produce(into output: RecordOutput, context: RunContext) async throws {
        for number in numbers {
            let url = template.replacingOccurrences(of: "{n}", with: String(number))
            try await output.send(Record(url: url, source: Self.descriptor.id, fields: ["page": .integer(number)]))
        }
    }
}
