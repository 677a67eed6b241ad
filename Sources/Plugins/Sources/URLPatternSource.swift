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
        options: [Option.template.spec, Option.from.spec, Option.to.spec, Option.step.spec]
    )

    let template: String
    public var urlSchemes: Set<String>? { [Pipeline.scheme(of: template)] }
    let numbers: StrideThrough<Int>

    /// The options, each declared once (``OptionKey``).
    enum Option {
        static let template: OptionKey<String?> = .string("template", required: true, "A URL with {n} where the number goes.")
        static let from: OptionKey<Int> = .integer("from", minimum: 0, default: 1, "The first number.")
        static let to: OptionKey<Int?> = .integer("to", minimum: 0, required: true, "The last number (included).")
        static let step: OptionKey<Int> = .integer("step", minimum: 1, default: 1, "How much the number grows each time.")
    }

    public init(options: PluginOptions) throws {
        template = options[Option.template] ?? ""
        guard template.contains("{n}") else { throw OptionError(option: Option.template.name, "has no {n} to put the number in") }
        let from = options[Option.from]
        let to = options[Option.to] ?? from
        guard to >= from else { throw OptionError(option: Option.to.name, "is \(to), less than \"from\" (\(from))") }
        numbers = stride(from: from, through: to, by: options[Option.step])
    }

    public func produce(into output: RecordOutput, context: RunContext) async throws {
        for number in numbers {
            let url = template.replacingOccurrences(of: "{n}", with: String(number))
            try await output.send(Record(url: url, source: Self.descriptor.id, fields: ["page": .integer(number)]))
        }
    }
}
