/// Base 32 (RFC 4648 §6, upper case, `=` padding): how WARC digests are usually written
/// (`sha1:2JHN…`).
enum Base32 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    /// The text of `bytes` in base 32, padded to a multiple of eight characters.
    static func encode(_ bytes: [UInt8]) -> String {
        var text: [UInt8] = []
        text.reserveCapacity((bytes.count + 4) / 5 * 8)
        var index = 0
        while index < bytes.count {
            let group = bytes[index..<min(index + 5, bytes.count)]
            var value: UInt64 = 0
            for (position, byte) in group.enumerated() { value |= UInt64(byte) << UInt64(32 - position * 8) }
            // Characters that carry bits: ceil(bits / 5); the rest of the eight are padding.
            let characters = (group.count * 8 + 4) / 5
            for position in 0..<8 {
                text.append(position < characters ? alphabet[Int(value >> UInt64(35 - position * 5) & 0x1F)] : UInt8(ascii: "="))
            }
            index += 5
        }
        return String(decoding: text, as: UTF8.self)
    }
}
