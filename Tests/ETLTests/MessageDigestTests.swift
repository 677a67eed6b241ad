import ETLKit
import Testing

/// The FIPS 180-4 / NIST example vectors (SHA-256 and SHA-1), plus block-boundary and chunking checks.
@Suite struct MessageDigestTests {
    @Test func emptyMessage() {
        #expect(MessageDigest.hex(.sha256, of: "") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func abc() {
        #expect(MessageDigest.hex(.sha256, of: "abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func fourHundredFortyEightBitMessage() {
        let message = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
        #expect(message.utf8.count == 56)
        #expect(MessageDigest.hex(.sha256, of: message) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func eightHundredNinetySixBitMessage() {
        let message = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"
        #expect(MessageDigest.hex(.sha256, of: message) == "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
    }

    @Test func millionLetterA() {
        let expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        #expect(MessageDigest.hex(.sha256, of: [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)) == expected)

        // The same message fed in uneven chunks that straddle block boundaries.
        var hash = MessageDigest(.sha256)
        var remaining = 1_000_000
        var chunk = 1
        while remaining > 0 {
            let size = min(chunk, remaining)
            hash.update(with: repeatElement(UInt8(ascii: "a"), count: size))
            remaining -= size
            chunk = chunk % 131 + 7
        }
        #expect(MessageDigest.hexText(hash.finalize()) == expected)
    }

    /// Lengths around the 55/56/64-byte padding edges, against digests from `sha256sum`.
    @Test(arguments: [
        (55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"),
        (56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"),
        (63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"),
        (64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"),
        (65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0"),
    ])
    func paddingBoundaries(length: Int, expected: String) {
        #expect(MessageDigest.hex(.sha256, of: String(repeating: "a", count: length)) == expected)
    }

    @Test func persianTextHashesItsUTF8Bytes() {
        let text = "می\u{200C}آید"
        #expect(MessageDigest.hex(.sha256, of: text) == MessageDigest.hex(.sha256, of: Array(text.utf8)))
        #expect(MessageDigest.hex(.sha256, of: text) != MessageDigest.hex(.sha256, of: "میآید"))
    }

    @Test func sha1OfTheNISTVectors() {
        #expect(MessageDigest.hex(.sha1, of: "abc") == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(MessageDigest.hex(.sha1, of: "") == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        #expect(MessageDigest.digest(.sha1, of: Array("abc".utf8)).count == MessageDigest.Algorithm.sha1.length)
    }
}
