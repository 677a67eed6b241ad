import ETLKit
import Glibc

extension ClassHint {
    /// The readings of class and id names already read on one page, so that names a template
    /// repeats (`menu-item`, `post-meta`, `col-md-4` on hundreds of elements) are scanned once.
    ///
    /// Direct-mapped: 256 slots, each holding the last names that fell into it and their reading. A
    /// slot is picked from the names' length and four of their bytes (first, fourth, middle, last;
    /// no hash over the whole names, which would cost as much as reading them); a hit is confirmed
    /// by comparing the bytes, so a collision only costs a scan. Scanning names was the largest
    /// single cost of the walk.
    package struct Memo {
        private var names = [[UInt8]](repeating: [], count: slotCount)
        private var readings = [Reading](repeating: Reading(), count: slotCount)
        private let patterns: Patterns

        private static let slotCount = 256

        /// A memo for names read with `patterns`.
        package init(patterns: Patterns) {
            self.patterns = patterns
        }

        /// ``ClassHint/read(_:in:)`` of `names`, from the memo when the same names were read before.
        package mutating func read(_ names: [UInt8]) -> Reading {
            guard !names.isEmpty else { return Reading() }
            let slot = Self.slot(of: names)
            if Self.same(self.names[slot], names) { return readings[slot] }
            let reading = ClassHint.read(names, in: patterns)
            self.names[slot] = names
            readings[slot] = reading
            return reading
        }

        private static func slot(of names: [UInt8]) -> Int {
            let count = names.count
            var key = UInt64(truncatingIfNeeded: count)
            key = key &* 31 &+ UInt64(names[0])
            key = key &* 31 &+ UInt64(names[count / 2])
            key = key &* 31 &+ UInt64(names[count - 1])
            key = key &* 31 &+ UInt64(names[min(count - 1, 3)])
            return Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 56)
        }

        private static func same(_ stored: [UInt8], _ names: [UInt8]) -> Bool {
            guard stored.count == names.count else { return false }
            return stored.withUnsafeBytes { left in
                names.withUnsafeBytes { right in
                    guard let left = left.baseAddress, let right = right.baseAddress else { return false }
                    return memcmp(left, right, names.count) == 0
                }
            }
        }
    }
}
