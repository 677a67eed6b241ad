import ETLKit

/// Chooses the main content among a page's blocks, by text and link density.
///
/// In the manner of Readability: every block of prose (long enough, few links) scores its container
/// and, less, the containers above; a container's score is discounted by its own link density and
/// nudged by its class and id. The best container wins, with the siblings that score close to it
/// (articles split across several `<div>`s). Inside the chosen region, blocks that are mostly links,
/// and blocks inside chrome-named elements, are dropped.
struct ContentSelection {
    /// How eagerly to keep borderline blocks.
    enum Favor: String, Sendable, CaseIterable {
        case precision, balanced, recall
    }

    var favor: Favor = .balanced

    /// The blocks of the main content, in document order.
    func select(from analysis: PageAnalysis) -> [ContentBlock] {
        var elements = analysis.elements
        let blocks = analysis.blocks
        let minimumCharacters = 25

        for block in blocks where block.characters >= minimumCharacters && block.linkDensity < 0.5 && block.hint != .strongNegative {
            let points = 1.0 + Double(min(block.separators, 10)) + min(Double(block.characters) / 100.0, 3.0)
            // The element holding text directly counts as its own container when it is not a paragraph.
            var container = block.element
            let tag = elements[Int(container)].tag
            if tag == .p || tag == .li || tag == .td || tag == .th || tag == .tr || tag.blockKind == .heading || tag == .blockquote || tag == .pre || tag == .dd || tag == .dt {
                container = elements[Int(container)].parent
            }
            var level = 0
            while container > 0 && level < 5 {
                let divider = level == 0 ? 1.0 : level == 1 ? 2.0 : Double(level) * 3.0
                elements[Int(container)].score += points / divider
                container = elements[Int(container)].parent
                level += 1
            }
        }

        var best: Int32 = -1
        var bestScore = 0.0
        for index in elements.indices where elements[index].score > 0 {
            let element = elements[index]
            let linkDensity = element.characters == 0 ? 0 : Double(element.linkCharacters) / Double(element.characters)
            var score = element.score * (1 - linkDensity)
            switch element.hint {
            case .positive: score *= 1.25
            case .weakNegative: score *= 0.75
            case .strongNegative: score *= 0.2
            case .none: break
            }
            elements[index].score = score
            if score > bestScore {
                bestScore = score
                best = Int32(index)
            }
        }
        guard best > 0 else {
            // No prose anywhere: keep what is not chrome.
            return blocks.filter { $0.hint == .none || $0.hint == .positive }.map { ContentBlock(kind: $0.kind, text: $0.text) }
        }

        // The chosen container and its strong siblings.
        var roots: Set<Int32> = [best]
        let parent = elements[Int(best)].parent
        if parent > 0 {
            let threshold = max(10.0, bestScore * 0.2)
            for index in elements.indices where elements[index].parent == parent && Int32(index) != best {
                if elements[index].score >= threshold && elements[index].hint < .weakNegative { roots.insert(Int32(index)) }
            }
        }

        let maximumLinkDensity: Double
        switch favor {
        case .precision: maximumLinkDensity = 0.3
        case .balanced: maximumLinkDensity = 0.5
        case .recall: maximumLinkDensity = 0.7
        }
        var selected: [ContentBlock] = []
        for block in blocks {
            // Hints count from the chosen container down: a chrome-like name above it says nothing.
            guard let hint = hint(of: block.element, below: roots, elements: elements) else { continue }
            if hint >= .weakNegative && !(favor == .recall && hint == .weakNegative) { continue }
            if block.linkDensity > maximumLinkDensity || EndMarker.matches(block.text) { continue }
            selected.append(ContentBlock(kind: block.kind, text: block.text))
        }
        return selected
    }

    /// The strongest hint on the way from `element` up to one of `roots` (the root's own excluded),
    /// or nil when the element is not inside any root.
    private func hint(of element: Int32, below roots: Set<Int32>, elements: [PageAnalysis.Element]) -> ClassHint? {
        var current = element
        var strongest = ClassHint.none
        while current > 0 {
            if roots.contains(current) { return strongest }
            strongest = max(strongest, elements[Int(current)].hint)
            current = elements[Int(current)].parent
        }
        return nil
    }
}
