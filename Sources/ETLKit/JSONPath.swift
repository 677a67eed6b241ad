/// Where a value sits in a JSON document, written the way JSONPath writes it: `$.sinks[0].path`.
public struct JSONPath: Sendable, Hashable, CustomStringConvertible {
    /// One step down into an object member or an array element.
    public enum Component: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    public var components: [Component]

    public init(_ components: [Component] = []) {
        self.components = components
    }

    /// Reads a path written as ``description`` writes it (`$.sinks[0].path`, `$["a b"]`), the
    /// leading `$` and `$.` optional (`sinks[0].path`); nil when the text is not such a path.
    public init?(parsing text: String) {
        var rest = Substring(text)
        if rest.hasPrefix("$") { rest = rest.dropFirst() }
        var components: [Component] = []
        var first = true
        while !rest.isEmpty {
            if rest.hasPrefix("[\"") {
                guard let close = rest.range(of: "\"]") else { return nil }
                components.append(.key(String(rest[rest.index(rest.startIndex, offsetBy: 2)..<close.lowerBound])))
                rest = rest[close.upperBound...]
            } else if rest.hasPrefix("[") {
                guard let close = rest.firstIndex(of: "]"), let index = Int(rest[rest.index(after: rest.startIndex)..<close]), index >= 0 else { return nil }
                components.append(.index(index))
                rest = rest[rest.index(after: close)...]
            } else {
                if rest.hasPrefix(".") {
                    rest = rest.dropFirst()
                } else if !first {
                    return nil
                }
                let end = rest.firstIndex { $0 == "." || $0 == "[" } ?? rest.endIndex
                guard end > rest.startIndex else { return nil }
                components.append(.key(String(rest[..<end])))
                rest = rest[end...]
            }
            first = false
        }
        self.init(components)
    }

    /// Whether `prefix` is this path or leads to it.
    public func starts(with prefix: JSONPath) -> Bool {
        components.starts(with: prefix.components)
    }

    /// The document's root, `$`.
    public static let root = JSONPath()

    /// This path extended by an object member.
    public func appending(_ key: String) -> JSONPath {
        JSONPath(components + [.key(key)])
    }

    /// This path extended by an array element.
    public func appending(_ index: Int) -> JSONPath {
        JSONPath(components + [.index(index)])
    }

    public var description: String {
        var text = "$"
        for component in components {
            switch component {
            case .key(let key):
                let plain = !key.isEmpty && key.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" }
                text += plain ? ".\(key)" : "[\"\(key)\"]"
            case .index(let index):
                text += "[\(index)]"
            }
        }
        return text
    }
}
