/// A value given on the command line in place of the pipeline file's, `etl run FILE --set
/// PATH=VALUE`: `--set concurrency=4`, `--set sinks[0].path=/tmp/a.jsonl`, `--set
/// 'sources[0].urls=["https://example.com/"]'`.
///
/// PATH is a JSON path as the loader's messages write it, with or without the leading `$.`;
/// members that do not exist yet are added (an option the file leaves out), array elements must
/// exist. VALUE is read as JSON when it is JSON (`4`, `true`, `null`, `"4"`, `[…]`, `{…}`) and as a
/// string otherwise (`/tmp/a.jsonl`), so only a string that looks like JSON needs quotes. The value
/// then goes through the same checks as one in the file, `${VAR}` expansion included; an error in
/// it names the `--set` it came from.
public struct PipelineOverride: Sendable, Hashable, CustomStringConvertible {
    /// Where the value goes.
    public var path: JSONPath
    /// The value, as JSON.
    public var value: JSONValue
    /// The argument as given, for messages.
    public var argument: String

    public var description: String { "--set \(argument)" }

    /// Reads `PATH=VALUE`; a missing `=` or a path that is not a JSON path is an error that says so.
    public init(parsing argument: String) throws(PipelineOverrideError) {
        guard let equals = argument.firstIndex(of: "=") else {
            throw PipelineOverrideError(argument: argument, message: "expected PATH=VALUE, such as concurrency=4 or sinks[0].path=out/a.jsonl")
        }
        let pathText = String(argument[..<equals])
        let valueText = String(argument[argument.index(after: equals)...])
        guard let path = JSONPath(parsing: pathText), !path.components.isEmpty else {
            throw PipelineOverrideError(
                argument: argument, message: "\"\(pathText)\" is not a JSON path; write it as the errors do, such as sinks[0].path or $.concurrency")
        }
        self.path = path
        self.argument = argument
        if let node = try? JSONNodeParser.parse(valueText, allowingNUL: false) {
            value = node.value
        } else {
            value = .string(valueText)
        }
    }

    /// The document with this value put in place.
    func applied(to root: JSONNode) throws(PipelineOverrideError) -> JSONNode {
        try Self.put(value, at: path.components[...], in: root, walked: .root, override: self)
    }

    private static func put(
        _ value: JSONValue, at components: ArraySlice<JSONPath.Component>, in node: JSONNode,
        walked: JSONPath, override: PipelineOverride
    ) throws(PipelineOverrideError) -> JSONNode {
        guard let component = components.first else { return JSONNode(value, location: node.location) }
        let rest = components.dropFirst()
        switch (component, node.kind) {
        case (.key(let key), .object(var members)):
            if let index = members.lastIndex(where: { $0.key == key }) {
                members[index].value = try put(value, at: rest, in: members[index].value, walked: walked.appending(key), override: override)
            } else {
                let empty = JSONNode(kind: .object([]), location: node.location)
                let child = try put(value, at: rest, in: empty, walked: walked.appending(key), override: override)
                members.append(JSONNode.Member(key: key, keyLocation: node.location, value: child))
            }
            return JSONNode(kind: .object(members), location: node.location)
        case (.index(let index), .array(var elements)):
            guard elements.indices.contains(index) else {
                throw PipelineOverrideError(
                    argument: override.argument, message: "\(walked) has \(elements.count) element\(elements.count == 1 ? "" : "s"), so there is no [\(index)]")
            }
            elements[index] = try put(value, at: rest, in: elements[index], walked: walked.appending(index), override: override)
            return JSONNode(kind: .array(elements), location: node.location)
        case (.key, _):
            throw PipelineOverrideError(argument: override.argument, message: "\(walked) is \(node.typeDescription), not an object")
        case (.index, _):
            throw PipelineOverrideError(argument: override.argument, message: "\(walked) is \(node.typeDescription), not an array")
        }
    }
}

/// A `--set` argument that cannot be applied, with the argument and why.
public struct PipelineOverrideError: Error, Sendable, CustomStringConvertible {
    public var argument: String
    public var message: String

    public var description: String { "--set \(argument): \(message)" }
}

extension JSONNode {
    /// A node for a value that has no place in a file (a `--set` value): every part at `location`.
    init(_ value: JSONValue, location: SourceLocation) {
        switch value {
        case .null: self.init(kind: .null, location: location)
        case .bool(let bool): self.init(kind: .bool(bool), location: location)
        case .integer(let integer): self.init(kind: .integer(integer), location: location)
        case .number(let number): self.init(kind: .number(number), location: location)
        case .string(let string): self.init(kind: .string(string), location: location)
        case .array(let values): self.init(kind: .array(values.map { JSONNode($0, location: location) }), location: location)
        case .object(let members):
            self.init(
                kind: .object(
                    members.sorted { $0.key < $1.key }.map {
                        JSONNode.Member(key: $0.key, keyLocation: location, value: JSONNode($0.value, location: location))
                    }), location: location)
        }
    }
}
