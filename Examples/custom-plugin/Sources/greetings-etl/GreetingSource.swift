import ETLKit

/// A source of its own: one small HTML page per name, made here (nothing to fetch), so that the
/// pipeline's steps (`html`, `article`) and sinks run on it like on any page.
struct GreetingSource: Source {
    static let descriptor = PluginDescriptor(
        id: "greetings",
        kind: .source,
        summary: "One greeting page per name (an example of a plugin from outside etl).",
        options: [names.spec]
    )

    /// The one option, declared once: its name, type and help for validation and `plugins`, and its typed value.
    static let names: OptionKey<[String]> = .strings("names", required: true, "Who to greet, such as [\"Ada\", \"Grace\"].")

    /// The records carry their page: no fetcher is needed.
    var urlSchemes: Set<String>? { [] }

    let names: [String]

    init(options: PluginOptions) throws {
        names = options[Self.names]
        guard !names.isEmpty else { throw OptionError(option: Self.names.name, "must name someone to greet") }
    }

    func produce(into output: RecordOutput, context: RunContext) async throws {
        for name in names {
            var record = Record(url: "greeting:\(name.lowercased())", source: Self.descriptor.id)
            let html = """
                <html lang="en"><head><title>Hello, \(name)</title></head>
                <body><article><h1>Hello, \(name)</h1>
                <p>This page was made by a source plugin that lives outside etl's repository, for \(name).</p>
                <p>It goes through the same steps and sinks as a page fetched from the web.</p>
                </article></body></html>
                """
            record.document = Document(text: html, mediaType: "text/html", charset: "utf-8")
            try await output.send(record)
        }
    }
}
