/// The plugins a program knows, by kind and id. Filled at start-up: the built-ins in one call, a
/// user's own plugins with one ``register(_:)`` line each.
///
/// An id names one plugin per kind: plugins of two kinds may share it when they are two sides of
/// one format (the `warc` source reads what the `warc` sink writes), as a pipeline's lists say which
/// kind they take.
public struct PluginRegistry: Sendable {
    private var types: [PluginKind: [String: any Plugin.Type]] = [:]

    /// Checks a database URL given as the pipeline's `"state"` (``StateLocation/database(url:)``)
    /// without I/O: nil when it reads, else why not (with no password in it). Here rather than in
    /// the loader because ETLKit knows no database client: the built-ins set it to libpq's own
    /// parser (``PipelineLoader`` reports the reason at `$.state`). Nil takes every URL as written.
    public var databaseURLProblem: (@Sendable (String) -> String?)?

    public init() {}

    /// Adds a plugin type. A second registration of the same id and kind replaces the first, so a
    /// program can swap a built-in for its own.
    public mutating func register(_ type: any Plugin.Type) {
        types[type.descriptor.kind, default: [:]][type.descriptor.id] = type
    }

    /// The plugin type for an id, of the first of `kinds` that has one (all kinds, in the order a
    /// record meets them, when nil).
    ///
    /// Its declared kind is checked against its conformances here, when a pipeline uses it, rather
    /// than at registration: a type's first conformance look-up scans the conformance records of
    /// every loaded library, and checking all 21 built-ins cost 1.4 ms of every start.
    public func plugin(_ id: String, among kinds: [PluginKind]? = nil) -> (any Plugin.Type)? {
        guard let type = plugins(id, among: kinds).first else { return nil }
        precondition(
            Self.kind(of: type) == type.descriptor.kind,
            "plugin \(type.descriptor.id) declares kind \(type.descriptor.kind) but does not conform to its protocol")
        return type
    }

    /// Every plugin type with this id, of these kinds (all when nil), in kind order.
    public func plugins(_ id: String, among kinds: [PluginKind]? = nil) -> [any Plugin.Type] {
        (kinds ?? PluginKind.allCases).sorted().compactMap { types[$0]?[id] }
    }

    /// Every registered plugin's descriptor, ordered by kind, then id.
    public var descriptors: [PluginDescriptor] {
        types.values.flatMap { $0.values.map { $0.descriptor } }.sorted { ($0.kind, $0.id) < ($1.kind, $1.id) }
    }

    /// Ids of the registered plugins of one kind, sorted.
    public func ids(of kind: PluginKind) -> [String] {
        descriptors.filter { $0.kind == kind }.map(\.id)
    }

    /// The kind a plugin type's conformances say it is.
    static func kind(of type: any Plugin.Type) -> PluginKind? {
        switch type {
        case is any Source.Type: return .source
        case is any Fetcher.Type: return .fetcher
        case is any Cleaner.Type: return .cleaner
        case is any Transform.Type: return .transform
        case is any Sink.Type: return .sink
        default: return nil
        }
    }
}
