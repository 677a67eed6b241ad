/// SHA-1 (FIPS 180-4), for WARC digests only.
///
/// WARC's `WARC-Block-Digest` and `WARC-Payload-Digest` are by custom SHA-1 in base 32: what
/// Heritrix, wget, warcio and Common Crawl write, what CDX indexes carry in their `digest` field
/// and what de-duplicating crawlers compare. SHA-1 is broken for signatures, not for telling
/// stored bytes apart from damaged ones, which is all a WARC digest does. Like ``SHA256`` it is
/// written here to keep a crypto library out of the build.
struct SHA1: Sendable {
    private var state: (UInt32, UInt32, UInt32, UInt32, UInt32) = (0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0)
    /// Bytes not yet hashed: always fewer than one 64-byte block.
    private var pending: [UInt8] = []
    /// The number of message bytes seen so far.
    private var length: UInt64 = 0

    init() {
        pending.reserveCapacity(64)
    }

    /// Adds bytes to the message.
    mutating func update(with bytes: UnsafeBufferPointer<UInt8>) {
        length &+= UInt64(bytes.count)
        var offset = 0
        if !pending.isEmpty {
            let taken = min(64 - pending.count, bytes.count)
            pending.append(contentsOf: bytes[0..<taken])
            offset = taken
            guard pending.count == 64 else { return }
            let block = pending
            block.withUnsafeBufferPointer { compress(block: $0) }
            pending.removeAll(keepingCapacity: true)
        }
        while bytes.count - offset >= 64 {
            compress(block: UnsafeBufferPointer(rebasing: bytes[offset..<offset + 64]))
            offset += 64
        }
        pending.append(contentsOf: bytes[offset...])
    }

    /// Adds bytes to the message.
    mutating func update(with bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { update(with: $0) }
    }

    /// Adds bytes to the message.
    mutating func update(with bytes: ArraySlice<UInt8>) {
        bytes.withUnsafeBufferPointer { update(with: $0) }
    }

    /// Pads the message and returns the 20-byte digest. Start a new value for a new message.
    mutating func finalize() -> [UInt8] {
        let messageBits = length &* 8
        var padding: [UInt8] = [0x80]
        padding.append(contentsOf: repeatElement(0, count: (64 + 56 - (pending.count + 1) % 64) % 64))
        for shift in stride(from: 56, through: 0, by: -8) {
            padding.append(UInt8(truncatingIfNeeded: messageBits >> UInt64(shift)))
        }
        update(with: padding)
        return [state.0, state.1, state.2, state.3, state.4].flatMap { word in
            [UInt8(truncatingIfNeeded: word >> 24), UInt8(truncatingIfNeeded: word >> 16),
             UInt8(truncatingIfNeeded: word >> 8), UInt8(truncatingIfNeeded: word)]
        }
    }

    /// The digest of `bytes`.
    static func digest(of bytes: [UInt8]) -> [UInt8] {
        var hash = SHA1()
        hash.update(with: bytes)
        return hash.finalize()
    }

    /// Hashes one 64-byte block into the state (FIPS 180-4, section 6.1.2).
    private mutating func compress(block: UnsafeBufferPointer<UInt8>) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 80) { words in
            compress(block: block, words: words)
        }
    }

    /// ``compress(block:)`` with room for the 80-word message schedule.
    private mutating func compress(block: UnsafeBufferPointer<UInt8>, words: UnsafeMutableBufferPointer<UInt32>) {
        for index in 0..<16 {
            words[index] = UInt32(block[index * 4]) << 24 | UInt32(block[index * 4 + 1]) << 16
                | UInt32(block[index * 4 + 2]) << 8 | UInt32(block[index * 4 + 3])
        }
        for index in 16..<80 {
            let mixed = words[index - 3] ^ words[index - 8] ^ words[index - 14] ^ words[index - 16]
            words[index] = mixed << 1 | mixed >> 31
        }
        var (a, b, c, d, e) = state
        for index in 0..<80 {
            let f: UInt32, k: UInt32
            switch index {
            case 0..<20: (f, k) = ((b & c) | (~b & d), 0x5A82_7999)
            case 20..<40: (f, k) = (b ^ c ^ d, 0x6ED9_EBA1)
            case 40..<60: (f, k) = ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC)
            default: (f, k) = (b ^ c ^ d, 0xCA62_C1D6)
            }
            let next = (a << 5 | a >> 27) &+ f &+ e &+ k &+ words[index]
            e = d
            d = c
            c = b << 30 | b >> 2
            b = a
            a = next
        }
        state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d, state.4 &+ e)
    }
}
