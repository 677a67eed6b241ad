/// A configured plugin: the instance, its id, and where the pipeline file declared it.
public struct PipelineStage<Instance: Sendable>: Sendable {
    /// The plugin's id (`"html"`).
    public var id: String
    /// Where the plugin is declared (`$.steps[0]`): names the stage in statistics and dead letters.
    public var path: JSONPath
    public var instance: Instance

    public init(id: String, path: JSONPath, instance: Instance) {
        self.id = id
        self.path = path
        self.instance = instance
    }

    /// A short name for the stage in tables and dead letters: its id.
    public var label: String { id }
}

/// A processing step after the fetch: a cleaner or a transform.
public enum ProcessingStep: Sendable {
    case cleaner(any Cleaner)
    case transform(any Transform)

    /// Whether the step's plugin declares that its result depends on the records before it
    /// (``PluginDescriptor/isOrderSensitive``).
    public var isOrderSensitive: Bool {
        switch self {
        case .cleaner(let cleaner): type(of: cleaner).descriptor.isOrderSensitive
        case .transform(let transform): type(of: transform).descriptor.isOrderSensitive
        }
    }
}

/// A pipeline ready to run: every plugin built from a validated pipeline file.
public struct Pipeline: Sendable {
    /// The pipeline's name, from the file's `name` or its file name.
    public var name: String
    public var sources: [PipelineStage<any Source>]
    /// Fetchers by the schemes they read; a record whose scheme no fetcher reads is a dead letter.
    public var fetchers: [PipelineStage<any Fetcher>]
    public var steps: [PipelineStage<ProcessingStep>]
    public var sinks: [PipelineStage<any Sink>]
    public var deadLetters: PipelineStage<any Sink>
    /// How many records are processed at once.
    public var concurrency: Int
    /// How many bytes of documents may be processed at once (see ``ByteBudget``): no record starts
    /// while the documents in flight hold this much, and a larger document runs alone.
    public var maxBytesInFlight: Int
    /// The state store's file, or a PostgreSQL URL (``StateLocation``): the `"state"` member,
    /// references expanded, or nil for none. The loader does not open it: the command line does
    /// (see ``StateStore``).
    public var state: String?
    /// The hosts of the http(s) URLs the sources' options name (``URLHost/name(of:)``): the run
    /// starts its ``NamedHosts`` with them.
    public var namedHosts: Set<String>
    /// What the loader found that works but should change (an option under its old name), in the
    /// order of the file; the command line prints them as `FILE:LINE:COLUMN: warning: …`.
    public var warnings: [PipelineDiagnostic] = []

    public init(
        name: String, sources: [PipelineStage<any Source>], fetchers: [PipelineStage<any Fetcher>],
        steps: [PipelineStage<ProcessingStep>], sinks: [PipelineStage<any Sink>],
        deadLetters: PipelineStage<any Sink>, concurrency: Int,
        maxBytesInFlight: Int = PipelineLoader.defaultMaxBytesInFlight, state: String? = nil, namedHosts: Set<String> = []
    ) {
        self.maxBytesInFlight = maxBytesInFlight
        self.state = state
        self.namedHosts = namedHosts
        self.name = name
        self.sources = sources
        self.fetchers = fetchers
        self.steps = steps
        self.sinks = sinks
        self.deadLetters = deadLetters
        self.concurrency = concurrency
    }

    /// The fetcher for a URL, by scheme (a URL without a scheme is a local path: `file`).
    public func fetcher(for url: String) -> PipelineStage<any Fetcher>? {
        let scheme = Pipeline.scheme(of: url)
        return fetchers.first { $0.instance.schemes.contains(scheme) }
    }

    /// The lower-case scheme of a URL; `file` for a plain path.
    public static func scheme(of url: String) -> String {
        guard let colon = url.firstIndex(of: ":") else { return "file" }
        let scheme = url[..<colon]
        // RFC 3986 scheme characters, checked on bytes: this runs for every record.
        guard scheme.utf8.count > 1,
            scheme.utf8.allSatisfy({ byte in
                (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
                    || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
            })
        else {
            return "file"  // "C:" or not a scheme at all
        }
        return scheme.lowercased()
    }
}
