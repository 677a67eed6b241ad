import Foundation

/// Files shipped in the plugins' resource folder (`Sources/Plugins/Resources`): the Persian lexicon,
/// the built-in site profiles.
///
/// Looked up by hand rather than through `Bundle.module`, which stops the program when a copied
/// binary left its resource bundle behind: first `ETL_RESOURCES`, then the bundle SwiftPM puts
/// beside the binary (`etl_ETLPlugins.resources`). Callers say what is missing, loudly.
enum ResourceFiles {
    /// Candidate paths of a resource, most specific first.
    static func searchPaths(for name: String) -> [String] {
        folders.map { $0.appendingPathComponent(name).path }
    }

    /// The folders looked in, worked out once per process: the environment, the executable's
    /// path and `Bundle.main` cost about 0.2 ms a look-up, and every start looks up the built-in
    /// site profiles.
    private static let folders: [URL] = {
        var folders: [URL] = []
        if let configured = ProcessInfo.processInfo.environment["ETL_RESOURCES"] { folders.append(URL(fileURLWithPath: configured)) }
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().deletingLastPathComponent()
        for base in [executable, Bundle.main.bundleURL] {
            folders.append(base.appendingPathComponent("etl_ETLPlugins.resources/Resources"))
            folders.append(base.appendingPathComponent("etl_ETLPlugins.resources"))
        }
        return folders
    }()

    /// The first existing path of a resource, or nil.
    static func path(for name: String) -> String? {
        searchPaths(for: name).first(where: FileManager.default.isReadableFile(atPath:))
    }
}
