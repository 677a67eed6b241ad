import CCrypto

/// A message digest (SHA-256 for content hashes, file names and SimHash; SHA-1 where a format asks
/// for it, as WARC's digests do), computed by OpenSSL's libcrypto.
///
/// libcrypto rather than a hash of our own or swift-crypto: it is on every machine that has libcurl's
/// OpenSSL flavour, builds in no time (swift-crypto compiles a copy of BoringSSL: a minute or more of
/// every clean build: 218 s here), and hashes at its assembly speed: SHA-256 at 1.35 GB/s on one
/// core here, six times the Swift implementation it replaced (`BENCHMARKS.md`, "Hashing"). Not
/// meant for secrets.
///
/// One-shot: `MessageDigest.hex(.sha256, of: "abc")`. Incremental: make a value, ``update(with:)``
/// it with chunks, then ``finalize()`` it. The value owns a libcrypto context, so it cannot be
/// copied (a copy would share the context).
public struct MessageDigest: ~Copyable, @unchecked Sendable {
    /// The digests etl uses.
    public enum Algorithm: Sendable {
        case sha256, sha1

        /// The digest's length in bytes.
        public var length: Int {
            switch self {
            case .sha256: return 32
            case .sha1: return 20
            }
        }

        fileprivate var method: OpaquePointer? {
            switch self {
            case .sha256: return EVP_sha256()
            case .sha1: return EVP_sha1()
            }
        }
    }

    public let algorithm: Algorithm
    /// The libcrypto context; only this value uses it (hence `@unchecked Sendable`: it moves, never shares).
    private let context: OpaquePointer

    /// A digest of the empty message, ready for ``update(with:)``.
    public init(_ algorithm: Algorithm) {
        // Both fail only when memory runs out, which no caller could do anything about.
        guard let context = EVP_MD_CTX_new(), EVP_DigestInit_ex(context, algorithm.method, nil) == 1 else {
            preconditionFailure("libcrypto could not start a \(algorithm) digest (out of memory?)")
        }
        self.algorithm = algorithm
        self.context = context
    }

    deinit {
        EVP_MD_CTX_free(context)
    }

    /// Adds bytes to the message.
    public mutating func update(with bytes: some Sequence<UInt8>) {
        let handled: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            update(with: UnsafeRawBufferPointer(buffer))
        }
        if handled == nil {
            Array(bytes).withUnsafeBytes { buffer in update(with: buffer) }
        }
    }

    /// Adds a string's UTF-8 bytes to the message.
    public mutating func update(with string: String) {
        var string = string
        string.withUTF8 { buffer in update(with: UnsafeRawBufferPointer(buffer)) }
    }

    /// Adds the bytes of a buffer to the message.
    public mutating func update(with buffer: UnsafeRawBufferPointer) {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return }
        EVP_DigestUpdate(context, base, buffer.count)
    }

    /// The digest of everything added; the value is used up.
    public consuming func finalize() -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        digest.withUnsafeMutableBufferPointer { buffer in
            _ = EVP_DigestFinal_ex(context, buffer.baseAddress, &length)
        }
        return Array(digest.prefix(Int(length)))
    }

    /// The digest of `bytes`.
    public static func digest(_ algorithm: Algorithm, of bytes: some Sequence<UInt8>) -> [UInt8] {
        var digest = MessageDigest(algorithm)
        digest.update(with: bytes)
        return digest.finalize()
    }

    /// The lowercase hexadecimal digest of `bytes`.
    public static func hex(_ algorithm: Algorithm, of bytes: some Sequence<UInt8>) -> String {
        hexText(digest(algorithm, of: bytes))
    }

    /// The lowercase hexadecimal digest of a string's UTF-8 bytes.
    public static func hex(_ algorithm: Algorithm, of string: String) -> String {
        var digest = MessageDigest(algorithm)
        digest.update(with: string)
        return hexText(digest.finalize())
    }

    /// Bytes as lowercase hexadecimal text.
    public static func hexText(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
