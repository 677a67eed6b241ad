/// A member name written twice in one object. JSON readers silently keep one of the two values
/// (``JSONNode/value`` keeps the last), so a pipeline's second `"sinks"` would quietly replace the
/// first; the loader reports every repetition instead.
public struct DuplicateMember: Sendable, Hashable {
    /// The member's name.
    public var key: String
    /// The JSON path of the member (`$.sinks[0].path`), the same for both.
    public var path: JSONPath
    /// Where the name was first written.
    public var firstLocation: SourceLocation
    /// Where it was written again.
    public var location: SourceLocation
}

extension JSONNode {
    /// Every member name repeated within an object, anywhere in the tree below this node, in document
    /// order. A name written three times gives two entries, each naming the first place.
    public func duplicateMembers(at path: JSONPath = .root) -> [DuplicateMember] {
        var found: [DuplicateMember] = []
        collectDuplicateMembers(at: path, into: &found)
        return found
    }

    private func collectDuplicateMembers(at path: JSONPath, into found: inout [DuplicateMember]) {
        switch kind {
        case .object(let members):
            var firstLocations: [String: SourceLocation] = [:]
            for member in members {
                let memberPath = path.appending(member.key)
                if let first = firstLocations[member.key] {
                    found.append(DuplicateMember(key: member.key, path: memberPath, firstLocation: first, location: member.keyLocation))
                } else {
                    firstLocations[member.key] = member.keyLocation
                }
                member.value.collectDuplicateMembers(at: memberPath, into: &found)
            }
        case .array(let elements):
            for (index, element) in elements.enumerated() {
                element.collectDuplicateMembers(at: path.appending(index), into: &found)
            }
        default:
            break
        }
    }
}
