import ETLKit

extension PageAnalysis {
    /// The longest cell of a data table, in characters: a cell that holds more is a column of a
    /// page laid out with a table, not a value.
    package static let longestDataCell = 400

    /// Turns the cells of each data table into one block of kind `table` that keeps its rows and
    /// cells (``Block/rows``); its text is the rows on lines of their own, cells separated by " | ".
    ///
    /// A data table has two rows or more, two columns in at least one, no table inside it, text only
    /// in its cells and no cell longer than ``longestDataCell``. Other tables lay a page out (older
    /// sites put whole articles in a `<td>`): their cells stay blocks of their own, paragraphs.
    package mutating func groupDataTables() {
        guard elements.contains(where: { $0.tag == .table }) else { return }
        // The nearest table, row and cell of every element (a parent comes before its children).
        var table = [Int32](repeating: -1, count: elements.count)
        var row = [Int32](repeating: -1, count: elements.count)
        var cell = [Int32](repeating: -1, count: elements.count)
        var isData = [Bool](repeating: false, count: elements.count)
        var cellsOfRow: [Int32: [Int32]] = [:]
        var rowsOfTable: [Int32: [Int32]] = [:]
        for index in elements.indices.dropFirst() {
            let element = elements[index]
            let parent = Int(element.parent)
            let own = Int32(index)
            switch element.tag {
            case .table:
                if table[parent] >= 0 { isData[Int(table[parent])] = false }  // a table inside: layout
                table[index] = own
                isData[index] = true
            case .tr:
                table[index] = table[parent]
                row[index] = own
                if table[parent] >= 0 { rowsOfTable[table[parent], default: []].append(own) }
            case .td, .th:
                table[index] = table[parent]
                row[index] = row[parent]
                cell[index] = own
                if row[parent] >= 0 { cellsOfRow[row[parent], default: []].append(own) }
            default:
                table[index] = table[parent]
                row[index] = row[parent]
                cell[index] = cell[parent]
            }
        }
        // Text outside the cells, or a cell too long, makes a table a layout.
        var cellCharacters: [Int32: Int] = [:]
        for block in blocks {
            let owner = table[Int(block.element)]
            guard owner >= 0, isData[Int(owner)] else { continue }
            let holder = cell[Int(block.element)]
            if holder < 0 && elements[Int(block.element)].tag == .caption { continue }
            if holder < 0 || block.removedBy != nil {
                isData[Int(owner)] = false
                continue
            }
            cellCharacters[holder, default: 0] += block.characters
            if cellCharacters[holder, default: 0] > Self.longestDataCell { isData[Int(owner)] = false }
        }
        for (owner, rows) in rowsOfTable where isData[Int(owner)] {
            let withCells = rows.filter { !(cellsOfRow[$0] ?? []).isEmpty }
            let columns = withCells.map { cellsOfRow[$0]?.count ?? 0 }.max() ?? 0
            if withCells.count < 2 || columns < 2 { isData[Int(owner)] = false }
        }

        var grouped: [Block] = []
        grouped.reserveCapacity(blocks.count)
        var index = 0
        while index < blocks.count {
            let owner = table[Int(blocks[index].element)]
            guard owner >= 0, isData[Int(owner)] else {
                grouped.append(blocks[index])
                index += 1
                continue
            }
            // The table's blocks follow one another: the walk finishes a table before it goes on.
            var texts: [Int32: [String]] = [:]
            var merged = Block(element: owner, kind: .table, text: "", characters: 0, linkCharacters: 0, separators: 0, removedBy: nil)
            while index < blocks.count && table[Int(blocks[index].element)] == owner {
                let block = blocks[index]
                if cell[Int(block.element)] < 0 {
                    // The caption: a line of its own before the rows.
                    grouped.append(
                        Block(
                            element: block.element, kind: .caption, text: block.text, characters: block.characters,
                            linkCharacters: block.linkCharacters, separators: block.separators, removedBy: nil, linkRange: block.linkRange))
                    index += 1
                    continue
                }
                texts[cell[Int(block.element)], default: []].append(block.text)
                merged.characters += block.characters
                merged.linkCharacters += block.linkCharacters
                merged.separators += block.separators
                index += 1
            }
            let rows = (rowsOfTable[owner] ?? []).compactMap { row -> [String]? in
                guard let cells = cellsOfRow[row], !cells.isEmpty else { return nil }
                return cells.map { (texts[$0] ?? []).joined(separator: " ") }
            }
            merged.rows = rows
            merged.text = rows.map { $0.joined(separator: " | ") }.joined(separator: "\n")
            grouped.append(merged)
        }
        blocks = grouped
    }
}
