/// What a plugin says about itself: id, kind, summary and options.
public struct PluginDescriptor: Sendable {
    /// The short id pipeline files name the plugin by (`"http"`, `"sqlite"`).
    public var id: String
    public var kind: PluginKind
    /// One line for `etl plugins`.
    public var summary: String
    /// Longer documentation for `etl plugins NAME`, or empty.
    public var discussion: String
    public var options: [OptionSpec]
    /// Whether the plugin (a transform) reads the page a cleaner makes (``Record/page``): the
    /// loader then wants a cleaner before it in `steps`.
    public var needsCleanedPage: Bool
    /// The fields the plugin sets on records, for `etl schema record` (``FieldSpec``).
    public var fields: [FieldSpec]
    /// Whether the plugin's result for a record depends on the records before it (`dedup`: the
    /// first copy survives): the runner then lets records into it in the order their source sent
    /// them (``OrderGate``), so that the same input gives the same output whatever the timing.
    public var isOrderSensitive: Bool

    public init(
        id: String, kind: PluginKind, summary: String, discussion: String = "", options: [OptionSpec] = [], needsCleanedPage: Bool = false,
        fields: [FieldSpec] = [], isOrderSensitive: Bool = false
    ) {
        self.needsCleanedPage = needsCleanedPage
        self.fields = fields
        self.isOrderSensitive = isOrderSensitive
        self.id = id
        self.kind = kind
        self.summary = summary
        self.discussion = discussion
        self.options = options
    }

    /// The declaration of an option by its name or a former one.
    public func option(named name: String) -> OptionSpec? {
        option(name) ?? options.first { $0.formerNames.contains(name) }
    }

    /// The declaration of an option by name.
    public func option(_ name: String) -> OptionSpec? {
        options.first { $0.name == name }
    }
}
