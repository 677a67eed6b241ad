/// The element tree of a page analysis, read through parents. The walk appends an element before
/// any of its children, so a parent's index is always below its children's: walking up from the
/// larger of two indices never passes their common ancestor.
extension [PageAnalysis.Element] {
    /// Whether `element` is `ancestor` or inside it.
    package func element(_ element: Int32, isInside ancestor: Int32) -> Bool {
        var current = element
        while current > ancestor { current = self[Int(current)].parent }
        return current == ancestor
    }

    /// The deepest element that holds both (`0`, the placeholder above `<html>`, when only it does).
    package func commonAncestor(of first: Int32, and second: Int32) -> Int32 {
        var (first, second) = (first, second)
        while first != second && first > 0 && second > 0 {
            if first > second { first = self[Int(first)].parent } else { second = self[Int(second)].parent }
        }
        return first == second ? first : 0
    }
}
