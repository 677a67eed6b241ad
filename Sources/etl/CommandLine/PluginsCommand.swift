import ArgumentParser
import ETLKit

/// `etl plugins [NAME]`: what plugins there are, and one plugin's options.
struct PluginsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugins",
        abstract: "List the plugins, or show one plugin's options.",
        discussion: """
            Examples:
              etl plugins          # every plugin, by kind, with a one-line summary
              etl plugins http     # the http fetcher's options, types and defaults
            """
    )

    @Argument(help: "A plugin id, such as http or sqlite.")
    var name: String?

    func run() throws {
        let registry = ETLCommand.registry
        guard let name else {
            let descriptors = registry.descriptors
            let width = descriptors.map(\.id.count).max() ?? 0
            for kind in PluginKind.allCases {
                let ofKind = descriptors.filter { $0.kind == kind }
                guard !ofKind.isEmpty else { continue }
                print("\(kind.rawValue)s:")
                for descriptor in ofKind {
                    print("  \(descriptor.id.padding(toLength: width, withPad: " ", startingAt: 0))  \(descriptor.summary)")
                }
            }
            print("\nRun `etl plugins NAME` for a plugin's options.")
            return
        }
        let types = registry.plugins(name)
        guard !types.isEmpty else {
            let ids = registry.descriptors.map(\.id)
            Console.error("error: unknown plugin \"\(name)\"" + NameSuggestion.didYouMean(name, among: ids) + " (plugins: \(ids.joined(separator: ", ")))")
            throw ExitCode(2)
        }
        // An id two kinds share (the warc source and sink): each in turn.
        for (index, type) in types.enumerated() {
            if index > 0 { print("") }
            describe(type.descriptor)
        }
    }

    private func describe(_ descriptor: PluginDescriptor) {
        print("\(descriptor.id) (\(descriptor.kind.rawValue)): \(descriptor.summary)")
        if !descriptor.discussion.isEmpty { print("\n\(descriptor.discussion)") }
        guard !descriptor.options.isEmpty else {
            print("\nNo options. Use it as \"\(descriptor.id)\" or { \"use\": \"\(descriptor.id)\" }.")
            return
        }
        print("\nOptions:")
        for option in descriptor.options {
            var line = "  \(option.name) (\(option.type.description))"
            if option.isRequired { line += ", required" }
            if let value = option.defaultValue { line += ", default \(value.jsonText())" }
            print(line)
            print("      \(option.summary)")
        }
        let example = descriptor.options.filter(\.isRequired).map { "\"\($0.name)\": …" }
        print("\nIn a pipeline: { \"use\": \"\(descriptor.id)\"\(example.isEmpty ? "" : ", " + example.joined(separator: ", ")) }")
    }
}
