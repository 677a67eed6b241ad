/// The declaration of one plugin option: its name, type, default and documentation.
///
/// One list of these per plugin drives everything about options: validation of pipeline files,
/// defaults, `etl plugins NAME`, and the JSON Schema.
public struct OptionSpec: Sendable {
    /// The type an option's value must have.
    public indirect enum ValueType: Sendable, Equatable {
        case string
        case integer(minimum: Int? = nil, maximum: Int? = nil)
        case number(minimum: Double? = nil, maximum: Double? = nil)
        case boolean
        /// One of a fixed set of strings.
        case choice([String])
        /// A list of strings; a single string is accepted as a list of one.
        case stringList
        /// An object of string keys to strings.
        case stringMap
        /// Any JSON value; the plugin checks it.
        case any

        /// How the type reads in documentation and errors.
        public var description: String {
            switch self {
            case .string: return "string"
            case .integer(let minimum, let maximum): return "integer" + Self.range(minimum, maximum)
            case .number(let minimum, let maximum): return "number" + Self.range(minimum, maximum)
            case .boolean: return "boolean"
            case .choice(let values): return "one of " + values.map { "\"\($0)\"" }.joined(separator: ", ")
            case .stringList: return "string or list of strings"
            case .stringMap: return "object of strings"
            case .any: return "any JSON value"
            }
        }

        private static func range<T>(_ minimum: T?, _ maximum: T?) -> String {
            switch (minimum, maximum) {
            case (let low?, let high?): return " \(low)…\(high)"
            case (let low?, nil): return " ≥ \(low)"
            case (nil, let high?): return " ≤ \(high)"
            default: return ""
            }
        }
    }

    public var name: String
    public var type: ValueType
    /// The value used when the pipeline gives none; nil for a required option or one with no default.
    public var defaultValue: JSONValue?
    /// Whether a pipeline must give the option.
    public var isRequired: Bool
    /// One or two sentences for `etl plugins NAME` and the JSON Schema.
    public var summary: String
    /// Names the option had before (`maxUrls` for `limit`): still read, with a warning that names
    /// the new one, for a release.
    public var formerNames: [String]

    public init(
        _ name: String, _ type: ValueType, default defaultValue: JSONValue? = nil, required: Bool = false,
        formerly formerNames: [String] = [], _ summary: String
    ) {
        self.formerNames = formerNames
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.isRequired = required
        self.summary = summary
    }
}
