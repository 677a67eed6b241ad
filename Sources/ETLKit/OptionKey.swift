/// A plugin option declared once: its declaration (``spec``: name, type, range, default and help,
/// for validation, `etl plugins NAME` and the JSON Schema) and the typed value the plugin reads,
/// default included, so that no default or range is written twice.
///
/// ```swift
/// enum Option {
///     static let retries: OptionKey<Int> = .integer("retries", minimum: 0, maximum: 100, default: 3, "Retries after a failure.")
/// }
/// static let descriptor = PluginDescriptor(id: "http", kind: .fetcher, summary: "…", options: [Option.retries.spec])
/// init(options: PluginOptions) { retries = options[Option.retries] }
/// ```
public struct OptionKey<Value: Sendable>: Sendable {
    /// The declaration the loader validates against.
    public let spec: OptionSpec
    /// The value of a validated JSON value (nil never happens after validation, but a plugin built
    /// by hand from `PluginOptions` gets the default rather than a crash).
    private let decode: @Sendable (JSONValue) -> Value?
    /// The value when the pipeline gives none.
    private let fallback: Value

    /// The option's name in pipeline files.
    public var name: String { spec.name }

    /// A key of any type: `decode` reads a validated value, `fallback` stands for a missing one.
    public init(_ spec: OptionSpec, fallback: Value, decode: @escaping @Sendable (JSONValue) -> Value?) {
        self.spec = spec
        self.fallback = fallback
        self.decode = decode
    }

    /// The value in `options`, or the fallback.
    fileprivate func value(in options: PluginOptions) -> Value {
        options[name].flatMap(decode) ?? fallback
    }
}

extension PluginOptions {
    /// The option's value: the pipeline's, else its declared default.
    public subscript<Value>(_ key: OptionKey<Value>) -> Value {
        key.value(in: self)
    }
}

extension OptionKey where Value == String {
    /// A string with a default.
    public static func string(_ name: String, default value: String, formerly: [String] = [], _ summary: String) -> Self {
        Self(OptionSpec(name, .string, default: .string(value), formerly: formerly, summary), fallback: value) { $0.stringValue }
    }
}

extension OptionKey where Value == String? {
    /// A string with no default: nil when not given (or `required`, and then always given).
    public static func string(_ name: String, required: Bool = false, formerly: [String] = [], _ summary: String) -> Self {
        Self(OptionSpec(name, .string, required: required, formerly: formerly, summary), fallback: nil) { $0.stringValue }
    }
}

extension OptionKey where Value == Int {
    /// An integer in `minimum…maximum`, with a default.
    public static func integer(
        _ name: String, minimum: Int? = nil, maximum: Int? = nil, default value: Int,
        formerly: [String] = [], _ summary: String
    ) -> Self {
        Self(
            OptionSpec(name, .integer(minimum: minimum, maximum: maximum), default: .integer(value), formerly: formerly, summary),
            fallback: value
        ) { $0.integerValue }
    }
}

extension OptionKey where Value == Int? {
    /// An integer in `minimum…maximum` with no default: nil when not given.
    public static func integer(
        _ name: String, minimum: Int? = nil, maximum: Int? = nil, required: Bool = false,
        formerly: [String] = [], _ summary: String
    ) -> Self {
        Self(
            OptionSpec(name, .integer(minimum: minimum, maximum: maximum), required: required, formerly: formerly, summary),
            fallback: nil
        ) { $0.integerValue }
    }
}

extension OptionKey where Value == Double {
    /// A number in `minimum…maximum`, with a default.
    public static func number(
        _ name: String, minimum: Double? = nil, maximum: Double? = nil, default value: Double,
        formerly: [String] = [], _ summary: String
    ) -> Self {
        Self(
            OptionSpec(name, .number(minimum: minimum, maximum: maximum), default: .number(value), formerly: formerly, summary),
            fallback: value
        ) { $0.doubleValue }
    }
}

extension OptionKey where Value == Double? {
    /// A number in `minimum…maximum` with no default: nil when not given.
    public static func number(
        _ name: String, minimum: Double? = nil, maximum: Double? = nil, required: Bool = false,
        formerly: [String] = [], _ summary: String
    ) -> Self {
        Self(
            OptionSpec(name, .number(minimum: minimum, maximum: maximum), required: required, formerly: formerly, summary),
            fallback: nil
        ) { $0.doubleValue }
    }
}

extension OptionKey where Value == Bool {
    /// A boolean with a default.
    public static func boolean(_ name: String, default value: Bool, formerly: [String] = [], _ summary: String) -> Self {
        Self(OptionSpec(name, .boolean, default: .bool(value), formerly: formerly, summary), fallback: value) { $0.boolValue }
    }
}

extension OptionKey where Value == [String] {
    /// A list of strings (a single string is a list of one), empty by default.
    public static func strings(
        _ name: String, default value: [String] = [], required: Bool = false,
        formerly: [String] = [], _ summary: String
    ) -> Self {
        Self(
            OptionSpec(
                name, .stringList, default: required ? nil : .array(value.map(JSONValue.string)), required: required,
                formerly: formerly, summary), fallback: value
        ) { json in
            switch json {
            case .string(let single): return [single]
            case .array(let list): return list.compactMap(\.stringValue)
            default: return nil
            }
        }
    }
}

extension OptionKey where Value == [String]? {
    /// A list of strings (a single string is a list of one) with no default: nil when not given,
    /// which is not the same as an empty list.
    public static func strings(_ name: String, required: Bool = false, formerly: [String] = [], _ summary: String) -> Self {
        Self(OptionSpec(name, .stringList, required: required, formerly: formerly, summary), fallback: nil) { json in
            switch json {
            case .string(let single): return [single]
            case .array(let list): return list.compactMap(\.stringValue)
            default: return nil
            }
        }
    }
}

extension OptionKey where Value == [String: String] {
    /// An object of strings, empty by default.
    public static func stringMap(_ name: String, formerly: [String] = [], _ summary: String) -> Self {
        Self(OptionSpec(name, .stringMap, default: .object([:]), formerly: formerly, summary), fallback: [:]) {
            $0.objectValue?.compactMapValues(\.stringValue)
        }
    }
}

extension OptionKey where Value == JSONValue? {
    /// Any JSON value, which the plugin checks itself; nil when not given and without a default.
    public static func any(
        _ name: String, default value: JSONValue? = nil, required: Bool = false,
        formerly: [String] = [], _ summary: String
    ) -> Self {
        Self(OptionSpec(name, .any, default: value, required: required, formerly: formerly, summary), fallback: value) { $0 }
    }
}

extension OptionKey where Value: RawRepresentable & CaseIterable, Value.RawValue == String {
    /// One of the cases of `Value`, by raw value, with a default.
    public static func choice(_ name: String, default value: Value, formerly: [String] = [], _ summary: String) -> Self {
        Self(
            OptionSpec(name, .choice(Value.allCases.map(\.rawValue)), default: .string(value.rawValue), formerly: formerly, summary),
            fallback: value
        ) { $0.stringValue.flatMap(Value.init(rawValue:)) }
    }
}

extension OptionSpec.ValueType {
    /// What is wrong with `value` as a value of this type, as a clause ("must be an integer ≥ 1"),
    /// or nil when it fits. The loader reports the same problems with the value's place in the file.
    public func problem(with value: JSONValue) -> String? {
        switch self {
        case .string:
            return value.stringValue == nil ? "must be a string" : nil
        case .integer(let minimum, let maximum):
            guard let integer = value.integerValue else { return "must be an integer" }
            if let minimum, integer < minimum { return "must be an integer ≥ \(minimum), not \(integer)" }
            if let maximum, integer > maximum { return "must be an integer ≤ \(maximum), not \(integer)" }
            return nil
        case .number(let minimum, let maximum):
            guard let number = value.doubleValue else { return "must be a number" }
            if let minimum, number < minimum { return "must be a number ≥ \(minimum), not \(number)" }
            if let maximum, number > maximum { return "must be a number ≤ \(maximum), not \(number)" }
            return nil
        case .boolean:
            return value.boolValue == nil ? "must be true or false" : nil
        case .choice(let choices):
            guard let text = value.stringValue, choices.contains(text) else { return "must be \(description)" }
            return nil
        case .stringList:
            if value.stringValue != nil { return nil }
            guard let list = value.arrayValue, list.allSatisfy({ $0.stringValue != nil }) else { return "must be a string or a list of strings" }
            return nil
        case .stringMap:
            guard let object = value.objectValue, object.values.allSatisfy({ $0.stringValue != nil }) else { return "must be an object of strings" }
            return nil
        case .any:
            return nil
        }
    }
}

extension PluginOptions {
    /// The options themselves, once each value given for one of `specs` fits its declared type and
    /// range: what a plugin built by hand (not by the loader, which checks every option) calls
    /// where an out-of-range value would do harm (a concurrency of 0).
    public func checking(_ specs: [OptionSpec]) throws(OptionError) -> PluginOptions {
        for spec in specs {
            guard let value = self[spec.name], !value.isNull else { continue }
            if let problem = spec.type.problem(with: value) { throw OptionError(option: spec.name, problem) }
        }
        return self
    }
}
