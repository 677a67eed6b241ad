/// A plugin's options after validation: every value has its declared type, and defaults are filled.
///
/// Accessors return nil only for an option that has no default and was not given.
public struct PluginOptions: Sendable {
    /// The values by option name.
    public private(set) var values: [String: JSONValue]

    public init(_ values: [String: JSONValue] = [:]) {
        self.values = values
    }

    public func string(_ name: String) -> String? { values[name]?.stringValue }
    public func integer(_ name: String) -> Int? { values[name]?.integerValue }
    public func double(_ name: String) -> Double? { values[name]?.doubleValue }
    public func bool(_ name: String) -> Bool? { values[name]?.boolValue }

    /// A list of strings; a single string counts as a list of one.
    public func strings(_ name: String) -> [String]? {
        switch values[name] {
        case .string(let value)?: return [value]
        case .array(let values)?: return values.compactMap(\.stringValue)
        default: return nil
        }
    }

    /// An object of strings.
    public func stringMap(_ name: String) -> [String: String]? {
        values[name]?.objectValue?.compactMapValues(\.stringValue)
    }

    public subscript(name: String) -> JSONValue? { values[name] }
}

/// A plugin's complaint about one of its options' values, thrown from its initializer.
/// The pipeline loader adds the JSON path and line:column of the option.
public struct OptionError: Error, Sendable, CustomStringConvertible {
    /// The option's name.
    public var option: String
    /// What is wrong, as a sentence fragment ("is not a valid regular expression").
    public var reason: String

    public init(option: String, _ reason: String) {
        self.option = option
        self.reason = reason
    }

    public var description: String { "option \"\(option)\" \(reason)" }
}
