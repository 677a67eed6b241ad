import ETLKit
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Source `files`: local pages found by glob patterns, as `file://` URLs.
///
/// Patterns without `**` go to the C library's `glob(3)` (`*`, `?`, `[…]`, `\` escapes). A pattern
/// with a `**` component is expanded here by walking the directories, because `glob(3)` has no
/// recursive wildcard: `**` stands for any number of directories, none included
/// (`pages/**/*.html` finds `pages/a.html` and `pages/x/y/b.html`), and as the last component it
/// finds every file below. The other components are matched with `fnmatch(3)`, so both ways
/// agree on `*`, `?`, `[…]`, and on names that start with a dot: a wildcard never matches them
/// (write the dot to include hidden files), and `**` does not enter hidden directories or follow
/// symbolic links to directories (which could loop).
///
/// Only regular files (or links to them) become records; directories that a pattern matches are
/// skipped. All matches of all patterns are sorted by path and sent once each.
public struct FileSource: Source {
    public static let descriptor = PluginDescriptor(
        id: "files",
        kind: .source,
        summary: "Local files found by glob patterns (`*`, `?`, `[…]`, `**`), as file:// URLs.",
        discussion: """
            Patterns are relative to the current directory unless absolute. `**` matches any number \
            of directories. Matches are sorted and duplicates removed. A pattern that matches no file \
            is an error unless `allowEmpty` is true.
            """,
        options: [Option.glob.spec, Option.allowEmpty.spec]
    )

    /// The patterns, as given.
    public let patterns: [String]
    /// Whether a pattern may match nothing.
    public let allowsEmpty: Bool
    public var urlSchemes: Set<String>? { ["file"] }
    /// The directory relative patterns start from; nil for the current directory at the time of
    /// ``produce(into:context:)``. Set by tests, which must not change the process's directory.
    var baseDirectory: String?

    /// The options, each declared once (``OptionKey``).
    enum Option {
        static let glob: OptionKey<[String]> = .strings("glob", required: true, "A glob pattern or a list of them, such as \"pages/**/*.html\".")
        static let allowEmpty: OptionKey<Bool> = .boolean("allowEmpty", default: false, "Accept patterns that match no file instead of failing.")
    }

    public init(options: PluginOptions) throws {
        let patterns = options[Option.glob]
        guard !patterns.isEmpty else {
            throw OptionError(option: Option.glob.name, "needs at least one pattern, such as \"pages/**/*.html\"")
        }
        if patterns.contains(where: { $0.isEmpty }) {
            throw OptionError(option: Option.glob.name, "has an empty pattern")
        }
        self.patterns = patterns
        self.allowsEmpty = options[Option.allowEmpty]
    }

    public func produce(into output: RecordOutput, context: RunContext) async throws {
        for url in try matchingFileURLs() {
            try await output.send(Record(url: url, source: Self.descriptor.id))
        }
    }

    /// The `file://` URLs of every file the patterns match, sorted, without duplicates.
    func matchingFileURLs() throws -> [String] {
        let base = baseDirectory ?? FileManager.default.currentDirectoryPath
        var paths = Set<String>()
        for pattern in patterns {
            let absolutePattern = pattern.hasPrefix("/") ? pattern : Self.escaped(base) + "/" + pattern
            let matches: [String]
            if Self.components(of: pattern).contains("**") {
                matches = Self.walk(absolutePattern)
            } else {
                matches = try Self.glob(absolutePattern, pattern: pattern)
            }
            let files = matches.filter(Self.isRegularFile).map(Self.standardized)
            if files.isEmpty && !allowsEmpty {
                throw FileSourceError.noMatch(pattern: pattern, directory: base)
            }
            paths.formUnion(files)
        }
        return paths.sorted().map { URL(fileURLWithPath: $0).absoluteString }
    }

    /// A path with `.` and `..` components resolved, so that `a/../b.html` and `b.html` count once.
    private static func standardized(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }

    private static func components(of pattern: String) -> [Substring] {
        pattern.split(separator: "/", omittingEmptySubsequences: false)
    }

    /// `path` with glob metacharacters escaped, so that a directory named `[draft]` is taken literally.
    private static func escaped(_ path: String) -> String {
        var result = ""
        for character in path {
            if "*?[]\\".contains(character) { result.append("\\") }
            result.append(character)
        }
        return result
    }

    // MARK: glob(3)

    /// The paths `glob(3)` finds for an absolute pattern. `pattern` is the pattern as the user wrote
    /// it, for errors.
    private static func glob(_ absolutePattern: String, pattern: String) throws -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        let status = absolutePattern.withCString { cPattern in
            #if canImport(Glibc)
                Glibc.glob(cPattern, 0, nil, &result)
            #else
                Darwin.glob(cPattern, 0, nil, &result)
            #endif
        }
        switch status {
        case 0:
            break
        case GLOB_NOMATCH:
            return []
        case GLOB_NOSPACE:
            throw FileSourceError.globFailed(pattern: pattern, reason: "out of memory")
        default:
            throw FileSourceError.globFailed(pattern: pattern, reason: "a directory could not be read (glob error \(status))")
        }
        var paths: [String] = []
        for index in 0..<Int(result.gl_pathc) {
            if let path = result.gl_pathv[index] {
                paths.append(String(cString: path))
            }
        }
        return paths
    }

    // MARK: `**`

    /// The paths an absolute pattern with `**` components matches, found by walking directories.
    private static func walk(_ absolutePattern: String) -> [String] {
        var results: [String] = []
        // The pattern starts with "/", so its first component is empty and the walk starts at the root.
        let components = components(of: absolutePattern).dropFirst()
        expand(directory: "/", components: components[...], into: &results)
        return results
    }

    /// Adds to `results` the paths below `directory` that match `components`.
    private static func expand(directory: String, components: ArraySlice<Substring>, into results: inout [String]) {
        guard let component = components.first else {
            results.append(directory)
            return
        }
        let rest = components.dropFirst()
        if component == "**" {
            // None: the rest matches here. One or more: each visible entry takes one level, `**` stays.
            expand(directory: directory, components: rest, into: &results)
            for entry in entries(of: directory) where !entry.hasPrefix(".") {
                let path = joined(directory, entry)
                if isSymbolicLinkToDirectory(path) { continue }
                expand(directory: path, components: components, into: &results)
            }
        } else if component.isEmpty || component == "." {
            // `a//b` and `./a`.
            expand(directory: directory, components: rest, into: &results)
        } else if !component.contains(where: { "*?[\\".contains($0) }) {
            let path = joined(directory, String(component))
            if access(path, F_OK) == 0 {
                expand(directory: path, components: rest, into: &results)
            }
        } else {
            let pattern = String(component)
            for entry in entries(of: directory) where fnmatch(pattern, entry, FNM_PERIOD) == 0 {
                expand(directory: joined(directory, entry), components: rest, into: &results)
            }
        }
    }

    private static func joined(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// The names in a directory; none for a file or an unreadable directory (as `glob(3)` skips them).
    private static func entries(of directory: String) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    }

    private static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    private static func isSymbolicLinkToDirectory(_ path: String) -> Bool {
        var info = stat()
        guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK else { return false }
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }
}
