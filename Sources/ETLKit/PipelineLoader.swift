import Foundation

/// Reads a pipeline file, checks it completely, and builds its plugins.
///
/// The file's top level:
/// ```json
/// {
///   "name": "demo",
///   "sources": [{ "use": "files", "glob": "pages/*.html" }],
///   "fetch": [{ "use": "http", "perHost": 2 }],
///   "steps": ["html", "article"],
///   "sinks": [{ "use": "jsonl", "path": "out/articles.jsonl" }],
///   "deadLetters": { "use": "jsonl", "path": "out/dead-letters.jsonl" },
///   "concurrency": 16,
///   "maxBytesInFlight": 67108864,
///   "state": "out/state.sqlite"
/// }
/// ```
/// A plugin is written `{ "use": ID, OPTION: VALUE, … }`, or as its bare id when it needs no options.
/// `fetch` defaults to every fetcher among `http` and `file`, `steps` to `html` then `article`, and
/// `deadLetters` to `dead-letters.jsonl`; without `state` runs keep no state (the loader
/// never opens the state file: validating does no I/O). Every problem is collected (not only the first), each with
/// its JSON path and line:column.
///
/// Comments are allowed as in JSONC (`// …` to the end of the line, `/* … */`). Otherwise the file
/// is read strictly: it must be UTF-8, no object may name a member twice (JSON readers
/// keep one value silently; here both places are reported), and no string may hold NUL, raw or as
/// `\u0000` (a path handed to the system would end at it). A JSON syntax error stops the reading and
/// is the only problem reported.
public struct PipelineLoader: Sendable {
    public var registry: PluginRegistry
    public var environment: [String: String]
    /// Values given on the command line in place of the file's (`--set PATH=VALUE`), applied in order.
    public var overrides: [PipelineOverride] = []

    /// Members the top level may have, for "did you mean".
    public static let topLevelKeys =
        ["$schema", "name", "description", "sources", "fetch", "steps", "sinks", "deadLetters", "concurrency", "maxBytesInFlight", "state"]
        + inheritedOptions.map(\.name)
    /// Options the top level may set once for every plugin that has them (the `http` fetcher and
    /// the sources that download sitemaps, feeds and pages): one user agent, one delay, one robots.txt
    /// policy, so that robots.txt is read once under one name. A plugin's own value wins.
    public static let inheritedOptions = [
        OptionSpec("userAgent", .string, "The User-Agent header of every request of the run."),
        OptionSpec("delay", .number(minimum: 0, maximum: 3600), "Least seconds between two requests to one host, for every plugin that fetches."),
        OptionSpec("robots", .boolean, "Whether every plugin that fetches obeys robots.txt."),
        OptionSpec(
            "proxies", .stringList,
            "Proxies (socks5h://, socks5://, http://, https:// URLs with host and port) every plugin that fetches goes through; see the http fetcher's option."
        ),
    ]
    /// Defaults for members the file leaves out.
    public static let defaultFetchers = ["http", "file"]
    public static let defaultSteps = ["html", "article"]
    public static let defaultDeadLetters: JSONValue = ["use": "jsonl", "path": "dead-letters.jsonl"]
    public static let defaultConcurrency = 16
    /// 64 MiB of documents in flight. Cleaning costs many times a page's bytes (a 13 MB page of a
    /// million paragraphs peaked at 670 MB in a debug build, 510 MB of it libxml2's tree), so the
    /// budget is kept well under the memory a run may use; typical pages of 100–300 KB never reach
    /// it at the default concurrency.
    public static let defaultMaxBytesInFlight = 64 * 1024 * 1024

    public init(registry: PluginRegistry, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.registry = registry
        self.environment = environment
    }

    /// Loads a pipeline file from disk.
    public func load(file path: String) throws(PipelineError) -> Pipeline {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read" : "does not exist"
            throw PipelineError(file: path, diagnostics: [PipelineDiagnostic(path: .root, location: nil, message: "the pipeline file \(reason)")])
        }
        let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        return try load(bytes: Array(data), file: path, defaultName: name)
    }

    /// Loads a pipeline from JSON text.
    public func load(text: String, file: String? = nil, defaultName: String = "pipeline") throws(PipelineError) -> Pipeline {
        try load(bytes: Array(text.utf8), file: file, defaultName: defaultName)
    }

    private func load(bytes: [UInt8], file: String?, defaultName: String) throws(PipelineError) -> Pipeline {
        var root: JSONNode
        do {
            root = try JSONNodeParser.parse(bytes: bytes, allowingNUL: false, allowingComments: true)
        } catch {
            throw PipelineError(file: file, diagnostics: [PipelineDiagnostic(path: .root, location: error.location, message: "invalid JSON: \(error.message)")])
        }
        for override in overrides {
            do {
                root = try override.applied(to: root)
            } catch {
                throw PipelineError(file: file, diagnostics: [PipelineDiagnostic(path: override.path, location: nil, message: error.description)])
            }
        }
        var builder = Builder(registry: registry, expansion: EnvironmentExpansion(environment: environment))
        var pipeline = builder.build(root: root, defaultName: defaultName)
        pipeline?.warnings = builder.warnings
        guard builder.diagnostics.isEmpty, let pipeline else {
            // A value that came from the command line has no place in the file: say where it came from.
            let diagnostics = builder.diagnostics.map { diagnostic in
                guard let override = overrides.last(where: { diagnostic.path.starts(with: $0.path) }) else { return diagnostic }
                return PipelineDiagnostic(path: diagnostic.path, location: nil, message: "\(diagnostic.message) (given by \(override))")
            }
            // In the order of the file, as a compiler lists them (those without a place last).
            let ordered = diagnostics.enumerated().sorted { a, b in
                let (x, y) = (a.element.location, b.element.location)
                switch (x, y) {
                case (let x?, let y?) where x != y: return (x.line, x.column) < (y.line, y.column)
                case (nil, _?): return false
                case (_?, nil): return true
                default: return a.offset < b.offset
                }
            }.map(\.element)
            throw PipelineError(file: file, diagnostics: ordered)
        }
        return pipeline
    }
}

/// The work of one load: walks the document, collects diagnostics, builds plugins.
private struct Builder {
    let registry: PluginRegistry
    let expansion: EnvironmentExpansion
    var diagnostics: [PipelineDiagnostic] = []
    var warnings: [PipelineDiagnostic] = []
    /// Top-level values every plugin with an option of that name takes unless it sets its own.
    var inherited: [String: JSONValue] = [:]
    /// Hosts of the http(s) URLs in the sources' options.
    var namedHosts: Set<String> = []

    init(registry: PluginRegistry, expansion: EnvironmentExpansion) {
        self.registry = registry
        self.expansion = expansion
    }

    mutating func report(_ path: JSONPath, _ location: SourceLocation?, _ message: String) {
        diagnostics.append(PipelineDiagnostic(path: path, location: location, message: message))
    }

    /// Something that works but should change (an option's old name): the pipeline still loads.
    mutating func warn(_ path: JSONPath, _ location: SourceLocation?, _ message: String) {
        warnings.append(PipelineDiagnostic(path: path, location: location, message: message))
    }

    mutating func build(root: JSONNode, defaultName: String) -> Pipeline? {
        for duplicate in root.duplicateMembers() {
            report(
                duplicate.path, duplicate.location,
                "member \"\(duplicate.key)\" is given twice, first at \(duplicate.firstLocation) and again at \(duplicate.location); "
                    + "keep one (a JSON reader would silently use only the last)")
        }
        guard case .object(let members) = root.kind else {
            report(.root, root.location, "expected an object with \"sources\" and \"sinks\", found \(root.typeDescription)")
            return nil
        }
        for member in members where !PipelineLoader.topLevelKeys.contains(member.key) {
            report(
                JSONPath.root.appending(member.key), member.keyLocation,
                "unknown member \"\(member.key)\"" + NameSuggestion.didYouMean(member.key, among: PipelineLoader.topLevelKeys)
                    + " (expected one of: \(PipelineLoader.topLevelKeys.joined(separator: ", ")))")
        }

        var name = defaultName
        if let member = root.member("name") {
            if let text = expandedString(member.value, path: .root.appending("name")) { name = text }
        }
        if let member = root.member("description"), member.value.value.stringValue == nil {
            report(.root.appending("description"), member.value.location, "expected a string, found \(member.value.typeDescription)")
        }

        var concurrency = PipelineLoader.defaultConcurrency
        if let member = root.member("concurrency") {
            let path = JSONPath.root.appending("concurrency")
            if let value = checkedValue(member.value, spec: OptionSpec("concurrency", .integer(minimum: 1, maximum: 4096), ""), path: path),
                let integer = value.integerValue
            {
                concurrency = integer
            }
        }

        var maxBytesInFlight = PipelineLoader.defaultMaxBytesInFlight
        if let member = root.member("maxBytesInFlight") {
            let path = JSONPath.root.appending("maxBytesInFlight")
            if let value = checkedValue(member.value, spec: OptionSpec("maxBytesInFlight", .integer(minimum: 1), ""), path: path),
                let integer = value.integerValue
            {
                maxBytesInFlight = integer
            }
        }

        var state: String?
        if let member = root.member("state") {
            let path = JSONPath.root.appending("state")
            if let text = expandedString(member.value, path: path) {
                if text.isEmpty {
                    report(path, member.value.location, "expected the state file's path, such as \"out/state.sqlite\", found an empty string")
                } else if case .database(let url) = StateLocation(text), let problem = registry.databaseURLProblem?(url) {
                    report(path, member.value.location, "not a PostgreSQL URL that libpq reads: \(problem)")
                } else {
                    state = text
                }
            }
        }

        for spec in PipelineLoader.inheritedOptions {
            guard let member = root.member(spec.name) else { continue }
            if let value = checkedValue(member.value, spec: spec, path: JSONPath.root.appending(spec.name)) { inherited[spec.name] = value }
        }

        let sources: [PipelineStage<any Source>] = stages(root, key: "sources", kind: .source, required: true, defaults: nil)
            .compactMap { stage in (stage.instance as? any Source).map { PipelineStage(id: stage.id, path: stage.path, instance: $0) } }
        let fetchers: [PipelineStage<any Fetcher>] = stages(
            root, key: "fetch", kind: .fetcher, required: false,
            defaults: PipelineLoader.defaultFetchers.filter { registry.plugin($0, among: [.fetcher]) != nil }
        )
        .compactMap { stage in (stage.instance as? any Fetcher).map { PipelineStage(id: stage.id, path: stage.path, instance: $0) } }
        let steps: [PipelineStage<ProcessingStep>] = stages(
            root, key: "steps", kind: nil, required: false,
            defaults: PipelineLoader.defaultSteps.filter { registry.plugin($0, among: [.cleaner, .transform]) != nil }
        )
        .compactMap { stage in
            switch stage.instance {
            case let cleaner as any Cleaner: return PipelineStage(id: stage.id, path: stage.path, instance: .cleaner(cleaner))
            case let transform as any Transform: return PipelineStage(id: stage.id, path: stage.path, instance: .transform(transform))
            default: return nil
            }
        }
        let sinks: [PipelineStage<any Sink>] = stages(root, key: "sinks", kind: .sink, required: true, defaults: nil)
            .compactMap { stage in (stage.instance as? any Sink).map { PipelineStage(id: stage.id, path: stage.path, instance: $0) } }

        let deadLetterPath = JSONPath.root.appending("deadLetters")
        let deadLetterNode =
            root.member("deadLetters")?.value
            ?? JSONNode(
                kind: .object([
                    .init(key: "use", keyLocation: root.location, value: JSONNode(kind: .string("jsonl"), location: root.location)),
                    .init(key: "path", keyLocation: root.location, value: JSONNode(kind: .string("dead-letters.jsonl"), location: root.location)),
                ]), location: root.location)
        let deadLetters = plugin(deadLetterNode, path: deadLetterPath, allowed: [.sink])
            .flatMap { stage in (stage.instance as? any Sink).map { PipelineStage(id: stage.id, path: stage.path, instance: $0) } }

        checkOrder(of: steps, root: root)
        checkFetchers(for: sources, fetchers: fetchers, root: root)
        checkOutputs(sinks: sinks + (deadLetters.map { [$0] } ?? []), state: state, root: root)
        checkArchives(sinks: sinks, sources: sources, root: root)

        guard diagnostics.isEmpty, let deadLetters else { return nil }
        return Pipeline(
            name: name, sources: sources, fetchers: fetchers, steps: steps, sinks: sinks,
            deadLetters: deadLetters, concurrency: concurrency, maxBytesInFlight: maxBytesInFlight,
            state: state, namedHosts: namedHosts)
    }

    /// Where a plugin is declared, for a message about it (the file's top when the plugin is a default).
    func location(of path: JSONPath, in root: JSONNode) -> SourceLocation {
        root.node(at: path)?.location ?? root.location
    }

    /// A step that reads the cleaned page (`article`) needs a cleaner (`html`) before it: steps run
    /// in the order written, and without one every record would fail in it.
    mutating func checkOrder(of steps: [PipelineStage<ProcessingStep>], root: JSONNode) {
        var cleaned = false
        for step in steps {
            switch step.instance {
            case .cleaner: cleaned = true
            case .transform:
                guard !cleaned, registry.plugin(step.id, among: [.transform])?.descriptor.needsCleanedPage == true else { continue }
                let cleaners = registry.ids(of: .cleaner).map { "\"\($0)\"" }.joined(separator: " or ")
                // No cleaner came before, so any cleaner there is comes after.
                let later = steps.first { if case .cleaner = $0.instance { true } else { false } }
                report(
                    step.path, location(of: step.path, in: root),
                    "\"\(step.id)\" reads the page a cleaner makes, but no cleaner comes before it (steps run in the order written): put \(cleaners) before it"
                        + (later.map { " (\"\($0.id)\" is at \($0.path), after it)" } ?? ""))
            }
        }
    }

    /// Every URL a source sends must have a fetcher that reads its scheme, or each record would be a
    /// dead letter: a `files` source with only `http` in `fetch`.
    mutating func checkFetchers(for sources: [PipelineStage<any Source>], fetchers: [PipelineStage<any Fetcher>], root: JSONNode) {
        let read = Set(fetchers.flatMap { $0.instance.schemes })
        for source in sources {
            guard let schemes = source.instance.urlSchemes else { continue }
            let unread = schemes.subtracting(read).sorted()
            guard !unread.isEmpty else { continue }
            // Which registered fetchers, with their defaults, would read them.
            let helpers = registry.ids(of: .fetcher).filter { id in
                guard let type = registry.plugin(id, among: [.fetcher]), let fetcher = try? type.init(options: PluginOptions([:])) as? any Fetcher else {
                    return false
                }
                return !fetcher.schemes.isDisjoint(with: unread)
            }
            let fetchersText =
                fetchers.isEmpty ? "none" : fetchers.map { "\($0.id) (\($0.instance.schemes.sorted().joined(separator: ", ")))" }.joined(separator: ", ")
            report(
                source.path, location(of: source.path, in: root),
                "\"\(source.id)\" sends \(unread.map { "\($0):" }.joined(separator: " and ")) URLs, which no fetcher of the pipeline reads (\"fetch\": \(fetchersText))"
                    + (helpers.isEmpty ? "" : "; add \(helpers.map { "\"\($0)\"" }.joined(separator: " or ")) to \"fetch\""))
        }
    }

    /// A sink that archives HTTP transfers (`warc`) gets them only from records fetched over http(s)
    /// or read from an archive. A source whose records have none (`files`: local files, read by no
    /// HTTP fetch) gives it nothing: a warning names it; when no source gives it anything, the sink
    /// would write nothing at all, and that is an error.
    mutating func checkArchives(sinks: [PipelineStage<any Sink>], sources: [PipelineStage<any Source>], root: JSONNode) {
        let web: Set<String> = ["http", "https"]
        for sink in sinks where sink.instance.archivesExchanges {
            let empty = sources.filter { source in
                guard !source.instance.carriesExchanges, let schemes = source.instance.urlSchemes else { return false }
                return schemes.isDisjoint(with: web)
            }
            guard !empty.isEmpty else { continue }
            let names = empty.map { "\"\($0.id)\" (\($0.path))" }.joined(separator: ", ")
            let message =
                "\"\(sink.id)\" archives the HTTP transfers of fetched pages, and \(names) sends records that no HTTP fetch brings: there is nothing of theirs to archive"
            if empty.count == sources.count {
                report(sink.path, location(of: sink.path, in: root), message + "; the sink would write nothing")
            } else {
                warn(sink.path, location(of: sink.path, in: root), message + "; they are not archived")
            }
        }
    }

    /// Two outputs on one path (two sinks, a sink and the dead letters, a sink and the state) would
    /// overwrite or corrupt each other: each must have its own.
    mutating func checkOutputs(sinks: [PipelineStage<any Sink>], state: String?, root: JSONNode) {
        var outputs: [(path: String, owner: JSONPath, option: JSONPath)] = []
        for sink in sinks {
            guard let path = sink.instance.outputPath else { continue }
            // The option that names the file (`path`, the text sink's `directory`), for the message's place.
            let option = ["path", "directory"].map { sink.path.appending($0) }.first { root.node(at: $0) != nil } ?? sink.path
            outputs.append((path, sink.path, option))
        }
        // A database URL is no file: nothing else can write "on" it.
        if let state, !StateLocation.isDatabaseURL(state) { outputs.append((state, JSONPath.root.appending("state"), JSONPath.root.appending("state"))) }
        var seen: [String: JSONPath] = [:]
        for output in outputs {
            let key = URL(fileURLWithPath: output.path).standardizedFileURL.path
            if let first = seen[key] {
                report(
                    output.option, location(of: output.option, in: root),
                    "\"\(output.path)\" is also written by \(first): two outputs on one path would spoil each other; give each its own")
            } else {
                seen[key] = output.owner
            }
        }
    }

    /// Builds the plugins of one top-level list (`sources`, `fetch`, `steps`, `sinks`). A single plugin
    /// is accepted where a list is expected. `kind` nil means cleaners and transforms.
    mutating func stages(_ root: JSONNode, key: String, kind: PluginKind?, required: Bool, defaults: [String]?) -> [PipelineStage<any Plugin>] {
        let path = JSONPath.root.appending(key)
        let allowed: [PluginKind] = kind.map { [$0] } ?? [.cleaner, .transform]
        guard let member = root.member(key) else {
            if required {
                report(path, root.location, "missing member \"\(key)\": expected a list of \(allowed.map(\.rawValue).joined(separator: " or ")) plugins")
                return []
            }
            return (defaults ?? []).enumerated().compactMap { index, id in
                plugin(JSONNode(kind: .string(id), location: root.location), path: path.appending(index), allowed: allowed)
            }
        }
        let elements: [(JSONNode, JSONPath)]
        switch member.value.kind {
        case .array(let nodes):
            elements = nodes.enumerated().map { ($1, path.appending($0)) }
            if nodes.isEmpty && required {
                report(path, member.value.location, "expected at least one \(allowed[0].rawValue) plugin, found an empty list")
            }
        case .object, .string:
            elements = [(member.value, path)]
        default:
            report(path, member.value.location, "expected a list of plugins, found \(member.value.typeDescription)")
            return []
        }
        return elements.compactMap { node, path in plugin(node, path: path, allowed: allowed) }
    }

    /// Builds one plugin from `{ "use": ID, …options }` or a bare `"ID"`.
    mutating func plugin(_ node: JSONNode, path: JSONPath, allowed: [PluginKind]) -> PipelineStage<any Plugin>? {
        let id: String
        let idLocation: SourceLocation
        var optionMembers: [JSONNode.Member] = []
        switch node.kind {
        case .string(let text):
            id = text
            idLocation = node.location
        case .object(let members):
            guard let use = node.member("use") else {
                report(path, node.location, "missing member \"use\": expected the plugin's id, one of: \(allowedIDs(allowed).joined(separator: ", "))")
                return nil
            }
            guard case .string(let text) = use.value.kind else {
                report(path.appending("use"), use.value.location, "expected a plugin id (a string), found \(use.value.typeDescription)")
                return nil
            }
            id = text
            idLocation = use.value.location
            optionMembers = members.filter { $0.key != "use" }
        default:
            report(path, node.location, "expected a plugin: an object with \"use\", or a plugin id, found \(node.typeDescription)")
            return nil
        }

        let idPath = node.member("use") != nil ? path.appending("use") : path
        // A plugin of the kinds this list takes; failing that, one of another kind, to say so.
        guard let type = registry.plugin(id, among: allowed) ?? registry.plugin(id) else {
            report(
                idPath, idLocation,
                "unknown plugin \"\(id)\"" + NameSuggestion.didYouMean(id, among: allowedIDs(allowed))
                    + " (expected one of: \(allowedIDs(allowed).joined(separator: ", ")))")
            return nil
        }
        let descriptor = type.descriptor
        guard allowed.contains(descriptor.kind) else {
            report(
                idPath, idLocation,
                "plugin \"\(id)\" is a \(descriptor.kind.rawValue); this list takes \(allowed.map(\.rawValue).joined(separator: " or ")) plugins (one of: \(allowedIDs(allowed).joined(separator: ", ")))"
            )
            return nil
        }

        var values: [String: JSONValue] = [:]
        var optionsValid = true
        var seen: Set<String> = []
        for member in optionMembers {
            let optionPath = path.appending(member.key)
            guard let spec = descriptor.option(named: member.key) else {
                let names = descriptor.options.map(\.name)
                let expected = names.isEmpty ? "it takes no options" : "its options: \(names.joined(separator: ", "))"
                report(
                    optionPath, member.keyLocation,
                    "unknown option \"\(member.key)\" for plugin \"\(id)\"" + NameSuggestion.didYouMean(member.key, among: names) + " (\(expected))")
                optionsValid = false
                continue
            }
            if spec.name != member.key {
                warn(
                    optionPath, member.keyLocation, "\(id): option \"\(member.key)\" is now called \"\(spec.name)\"; the old name is read for one more release")
            }
            // A repeated option is reported with every other repeated member (see `build`); an old
            // and a new name of one option are reported here.
            if !seen.insert(spec.name).inserted {
                optionsValid = false
                if spec.name != member.key || optionMembers.contains(where: { $0.key != spec.name && descriptor.option(named: $0.key)?.name == spec.name }) {
                    report(
                        optionPath, member.keyLocation, "\(id): option \"\(spec.name)\" is given twice, under its old and its new name; keep \"\(spec.name)\"")
                }
            }
            if let value = checkedValue(member.value, spec: spec, path: optionPath) {
                values[spec.name] = value
            } else {
                optionsValid = false
            }
        }
        // What the pipeline's top level sets for every plugin that fetches (`userAgent`, `delay`,
        // `robots`), where the plugin has such an option and does not set it itself.
        for (name, value) in inherited where values[name] == nil && descriptor.option(name) != nil {
            values[name] = value
        }
        for spec in descriptor.options where values[spec.name] == nil {
            if let defaultValue = spec.defaultValue {
                values[spec.name] = defaultValue
            } else if spec.isRequired && !seen.contains(spec.name) {
                report(path, node.location, "plugin \"\(id)\" needs option \"\(spec.name)\" (\(spec.type.description)): \(spec.summary)")
                optionsValid = false
            }
        }
        guard optionsValid else { return nil }

        // A plugin's initializer stops at the first option it rejects. To report every bad option of
        // the plugin at once, the rejected one is set back to its default (or left out) and the
        // plugin is built again, as long as it rejects another option the file gives: an error about
        // an option the file does not give would only follow from the one taken out.
        var rejected: Set<String> = []
        while true {
            do {
                let instance = try type.init(options: PluginOptions(values))
                guard rejected.isEmpty else { return nil }
                // A source's proxies (an http:// one looks like a page's URL) are no host the user asked to fetch.
                if descriptor.kind == .source { namedHosts.formUnion(NamedHosts.hosts(in: .object(values.filter { $0.key != "proxies" }))) }
                return PipelineStage(id: id, path: path, instance: instance)
            } catch let error as OptionError {
                let given = optionMembers.last { descriptor.option(named: $0.key)?.name == error.option }
                guard rejected.isEmpty || (given != nil && !rejected.contains(error.option)) else { return nil }
                report(given.map { path.appending($0.key) } ?? path, given?.value.location ?? node.location, "\(id): \(error.description)")
                rejected.insert(error.option)
                guard given != nil else { return nil }
                values[error.option] = descriptor.option(error.option)?.defaultValue
            } catch {
                if rejected.isEmpty { report(path, node.location, "\(id): \(error)") }
                return nil
            }
        }
    }

    func allowedIDs(_ kinds: [PluginKind]) -> [String] {
        kinds.flatMap { registry.ids(of: $0) }
    }

    /// A string value with environment references expanded, or nil after reporting.
    mutating func expandedString(_ node: JSONNode, path: JSONPath) -> String? {
        guard case .string(let text) = node.kind else {
            report(path, node.location, "expected a string, found \(node.typeDescription)")
            return nil
        }
        do {
            return try expansion.expand(text)
        } catch {
            report(path, node.location, error.description)
            return nil
        }
    }

    /// The node's value with references expanded, checked against an option's type; nil after
    /// reporting. A string that is wholly a `${…}` reference may stand for a number or a Boolean.
    mutating func checkedValue(_ node: JSONNode, spec: OptionSpec, path: JSONPath) -> JSONValue? {
        guard let value = expanded(node, path: path) else { return nil }
        let coerced = coerce(value, from: node, to: spec.type)
        func fail(_ expected: String) -> JSONValue? {
            report(path, node.location, "expected \(expected), found \(describe(coerced))")
            return nil
        }
        switch spec.type {
        case .string:
            return coerced.stringValue != nil ? coerced : fail("a string")
        case .integer(let minimum, let maximum):
            guard let integer = coerced.integerValue else { return fail("an integer") }
            if let minimum, integer < minimum { return fail("an integer ≥ \(minimum)") }
            if let maximum, integer > maximum { return fail("an integer ≤ \(maximum)") }
            return .integer(integer)
        case .number(let minimum, let maximum):
            guard let number = coerced.doubleValue else { return fail("a number") }
            if let minimum, number < minimum { return fail("a number ≥ \(minimum)") }
            if let maximum, number > maximum { return fail("a number ≤ \(maximum)") }
            return .number(number)
        case .boolean:
            return coerced.boolValue != nil ? coerced : fail("true or false")
        case .choice(let choices):
            guard let text = coerced.stringValue else { return fail(spec.type.description) }
            guard choices.contains(text) else {
                report(
                    path, node.location,
                    "\"\(text)\" is not one of \(choices.map { "\"\($0)\"" }.joined(separator: ", "))" + NameSuggestion.didYouMean(text, among: choices))
                return nil
            }
            return coerced
        case .stringList:
            if coerced.stringValue != nil { return .array([coerced]) }
            guard let elements = coerced.arrayValue else { return fail("a string or a list of strings") }
            if case .array(let nodes) = node.kind {
                for (index, element) in elements.enumerated() where element.stringValue == nil {
                    report(path.appending(index), nodes[index].location, "expected a string, found \(element.typeDescription)")
                    return nil
                }
            }
            return coerced
        case .stringMap:
            guard let object = coerced.objectValue else { return fail("an object of strings") }
            if case .object(let members) = node.kind {
                for member in members where object[member.key]?.stringValue == nil {
                    report(path.appending(member.key), member.value.location, "expected a string, found \(member.value.typeDescription)")
                    return nil
                }
            }
            return coerced
        case .any:
            return coerced
        }
    }

    func describe(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): return "the string \"\(text)\""
        case .integer(let number): return "\(number)"
        case .number(let number): return "\(number)"
        case .bool(let flag): return "\(flag)"
        default: return value.typeDescription
        }
    }

    /// Expands references in every string of a value; nil after reporting.
    mutating func expanded(_ node: JSONNode, path: JSONPath) -> JSONValue? {
        switch node.kind {
        case .string:
            return expandedString(node, path: path).map(JSONValue.string)
        case .array(let nodes):
            var values: [JSONValue] = []
            for (index, element) in nodes.enumerated() {
                guard let value = expanded(element, path: path.appending(index)) else { return nil }
                values.append(value)
            }
            return .array(values)
        case .object(let members):
            var values: [String: JSONValue] = [:]
            for member in members {
                guard let value = expanded(member.value, path: path.appending(member.key)) else { return nil }
                values[member.key] = value
            }
            return .object(values)
        default:
            return node.value
        }
    }

    /// `"${PORT:-8080}"` may stand for an integer option: convert a string that was a reference.
    func coerce(_ value: JSONValue, from node: JSONNode, to type: OptionSpec.ValueType) -> JSONValue {
        guard case .string(let original) = node.kind, EnvironmentExpansion.containsReference(original),
            case .string(let text) = value
        else { return value }
        let trimmed = text.trimmingWhitespace()
        switch type {
        case .integer: return Int(trimmed).map(JSONValue.integer) ?? value
        case .number: return Double(trimmed).map(JSONValue.number) ?? value
        case .boolean:
            switch trimmed.lowercased() {
            case "true", "yes", "1": return .bool(true)
            case "false", "no", "0": return .bool(false)
            default: return value
            }
        default: return value
        }
    }
}
