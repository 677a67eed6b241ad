/// A parsed JSON value that remembers where it was written, so that every error about a pipeline file
/// can name the line and column of the value at fault. ``JSONNodeParser`` makes these.
public struct JSONNode: Sendable {
    /// The value, with the members and elements as nodes of their own.
    public enum Kind: Sendable {
        case null
        case bool(Bool)
        case integer(Int)
        case number(Double)
        case string(String)
        case array([JSONNode])
        /// Members in the order written; `keyLocation` is where the member's name starts.
        case object([Member])
    }

    /// An object member: its name, where the name was written, and its value.
    public struct Member: Sendable {
        public var key: String
        public var keyLocation: SourceLocation
        public var value: JSONNode
    }

    public var kind: Kind
    public var location: SourceLocation

    public init(kind: Kind, location: SourceLocation) {
        self.kind = kind
        self.location = location
    }

    /// The node as a plain ``JSONValue`` (locations dropped; for a repeated key the last one wins:
    /// the pipeline loader rejects repeated keys, see ``duplicateMembers(at:)``).
    public var value: JSONValue {
        switch kind {
        case .null: return .null
        case .bool(let value): return .bool(value)
        case .integer(let value): return .integer(value)
        case .number(let value): return .number(value)
        case .string(let value): return .string(value)
        case .array(let nodes): return .array(nodes.map(\.value))
        case .object(let members):
            var object: [String: JSONValue] = [:]
            for member in members { object[member.key] = member.value.value }
            return .object(object)
        }
    }

    /// The node at `path` below this one, if there is one.
    public func node(at path: JSONPath) -> JSONNode? {
        var node = self
        for component in path.components {
            switch (component, node.kind) {
            case (.key(let key), .object):
                guard let member = node.member(key) else { return nil }
                node = member.value
            case (.index(let index), .array(let elements)) where elements.indices.contains(index):
                node = elements[index]
            default:
                return nil
            }
        }
        return node
    }

    /// The member named `key`, if this is an object that has one.
    public func member(_ key: String) -> Member? {
        if case .object(let members) = kind { return members.last { $0.key == key } }
        return nil
    }

    /// A word for the node's type, as error messages use it.
    public var typeDescription: String { value.typeDescription }
}
