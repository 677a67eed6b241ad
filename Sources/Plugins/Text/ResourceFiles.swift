import Foundation

/// Files shipped in a target's resource folder: the Persian lexicon (`ETLText`, in
/// `Sources/Plugins/Text/Resources`), the built-in site profiles (`ETLHTML`, in
/// `Sources/Plugins/HTML/Resources`).
///
/// Looked up by hand rather than through `Bundle.module`, which stops the program when a copied
/// binary left its resource bundle behind: first `ETL_RESOURCES`, then the bundle SwiftPM puts
/// beside the binary (`etl_ETLText.resources`, `etl_ETLHTML.resources`). Callers say what is
/// missing, loudly.
package enum ResourceFiles {
    /// Candidate paths of a resource of `target`, most specific first.
    package static func searchPaths(for name: String, of target: String) -> [String] {
        folders(of: target).map { $0.appendingPathComponent(name).path }
    }

    /// The folders looked in, worked out once per process: the environment, the executable's
    /// path and `Bundle.main` cost about 0.2 ms a look-up, and every start looks up the built-in
    /// site profiles.
    private static let bases: (configured: URL?, binaries: [URL]) = {
        let configured = ProcessInfo.processInfo.environment["ETL_RESOURCES"].map { URL(fileURLWithPath: $0) }
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().deletingLastPathComponent()
        return (configured, [executable, Bundle.main.bundleURL])
    }()

    /// `ETL_RESOURCES` (which holds every target's files), then the target's bundle beside the
    /// binary, with or without the `Resources` folder inside it.
    private static func folders(of target: String) -> [URL] {
        var folders = bases.configured.map { [$0] } ?? []
        for base in bases.binaries {
            folders.append(base.appendingPathComponent("etl_\(target).resources/Resources"))
            folders.append(base.appendingPathComponent("etl_\(target).resources"))
        }
        return folders
    }

    /// The first existing path of a resource of `target`, or nil.
    package static func path(for name: String, of target: String) -> String? {
        searchPaths(for: name, of: target).first(where: FileManager.default.isReadableFile(atPath:))
    }

    /// The files of a folder among `target`'s resources, as full paths sorted by name; nil when no
    /// such folder is found.
    package static func files(in folder: String, of target: String) -> [String]? {
        for candidate in searchPaths(for: folder, of: target) {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: candidate) else { continue }
            return names.sorted().map { candidate + "/" + $0 }
        }
        return nil
    }
}
