import ETLKit

/// What the cleaner did with one block of a page, and why: the answer to `etl extract --explain`.
public struct BlockDecision: Sendable {
    public var block: ContentBlock
    public var kept: Bool
    /// Why the block was kept or dropped, in words ("inside \"related-news\"", "link density 0.83").
    public var reason: String
}
