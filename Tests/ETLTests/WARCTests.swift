import ETLHTTP
import ETLKit
import ETLTestSupport
import Foundation
import Logging
import Testing

@testable import ETLPlugins

/// The WARC core: digests, gzip members, the writer and the streaming reader.
@Suite struct WARCCoreTests {
    @Test func sha1AndBase32MatchTheirStandards() {
        // FIPS 180-4 examples and RFC 4648 §10.
        #expect(MessageDigest.hex(.sha1, of: Array("abc".utf8)) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(
            MessageDigest.hex(.sha1, of: Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)) == "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
        #expect(MessageDigest.hex(.sha1, of: [UInt8](repeating: 0x61, count: 1_000_000)) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
        #expect(MessageDigest.hex(.sha1, of: []) == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        #expect(Base32.encode(Array("foobar".utf8)) == "MZXW6YTBOI======")
        #expect(Base32.encode(Array("fooba".utf8)) == "MZXW6YTB")
        #expect(Base32.encode(Array("f".utf8)) == "MY======")
        // A 20-byte SHA-1 is 32 characters with no padding.
        #expect(WARCRecord.digest(of: Array("abc".utf8)[...]) == "sha1:VGMT4NSHA2AWVOR6EVYXQUGCNSONBWE5")
    }

    @Test func chunkedBodiesAreTakenApart() throws {
        let body = Array("4\r\nWiki\r\n6;ext=1\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n0\r\nTrailer: x\r\n\r\n".utf8)
        #expect(try HTTPChunkedBody.decode(body[...]) == Array("Wikipedia in \r\n\r\nchunks.".utf8))
        #expect(throws: HTTPChunkedBody.Failure.self) { try HTTPChunkedBody.decode(Array("5\r\nab".utf8)[...]) }
        #expect(throws: HTTPChunkedBody.Failure.self) { try HTTPChunkedBody.decode(Array("zz\r\nab\r\n".utf8)[...]) }
        let decoded = try HTTPBodyDecoding.decode(Array("3\r\nabc\r\n0\r\n\r\n".utf8), transferEncoding: "chunked", contentEncoding: nil, limit: 10)
        #expect(decoded == Array("abc".utf8))
        #expect(throws: HTTPBodyDecoding.Failure.self) {
            try HTTPBodyDecoding.decode(Array("abc".utf8), transferEncoding: nil, contentEncoding: "br", limit: 10)
        }
    }

    @Test func gzipMembersFollowEachOtherAndInflateAsOneStream() throws {
        let first = try Gzip.member(of: [Array("hello ".utf8), Array("world".utf8)])
        let second = try Gzip.member(of: [Array(String(repeating: "x", count: 300_000).utf8)])
        #expect(try Gzip.decompress(first, limit: 100) == Array("hello world".utf8))
        let inflater = try GzipInflater()
        var output: [UInt8] = []
        var ends: [Int] = []
        let stream = first + second
        var consumed = 0
        while consumed < stream.count {
            consumed += try inflater.inflate(stream, from: consumed, into: &output, room: 4096) { compressed, _ in ends.append(compressed) }
        }
        #expect(output.count == 11 + 300_000)
        #expect(ends == [first.count, stream.count])
        #expect(inflater.isBetweenMembers)
    }

    /// `Gzip.decompress` writes into an array sized by the gzip trailer: a body exactly at the limit
    /// or over it, a trailer that sizes the array too small (it grows) or lies (zlib refuses it), a
    /// cut body and one that is not gzip all come out right.
    @Test func gzipBodiesDecompressWhateverTheirTrailerSays() throws {
        let text = Array(String(repeating: "سلام دنیا، hello world. ", count: 2_000).utf8)
        let member = try Gzip.member(of: [text])
        #expect(try Gzip.decompress(member, limit: text.count) == text)
        #expect(throws: Gzip.Failure.tooLarge(limit: text.count - 1)) { try Gzip.decompress(member, limit: text.count - 1) }
        #expect(try Gzip.decompress(member, limit: .max) == text)
        // The trailer is the last member's: a small member after the text sizes the array far too
        // small, and it grows (only the first member is read).
        let small = try Gzip.member(of: [Array("x".utf8)])
        #expect(try Gzip.decompress(member + small, limit: .max) == text)
        #expect(throws: Gzip.Failure.tooLarge(limit: 10_000)) { try Gzip.decompress(member + small, limit: 10_000) }
        // A trailer that lies about the size: zlib's length check refuses the member.
        for size: [UInt8] in [[1, 0, 0, 0], [0xFF, 0xFF, 0xFF, 0x7F]] {
            #expect(throws: Gzip.Failure.self) { try Gzip.decompress(Array(member.dropLast(4)) + size, limit: .max) }
        }
        #expect(throws: Gzip.Failure.corrupt("truncated")) { try Gzip.decompress(Array(member.prefix(member.count / 2)), limit: .max) }
        #expect(throws: Gzip.Failure.self) { try Gzip.decompress(Array("not gzip at all".utf8), limit: .max) }
    }

    /// Header fields: names found whatever their case, continuation lines joined, white space
    /// (ASCII and Unicode) trimmed off values, broken headers refused.
    @Test func headerFieldsParseFromBytes() throws {
        let header = Array(
            "WARC/1.0\r\nwarc-type: response\r\nWARC-Target-URI:  <http://a.example/>\t\r\nX-Folded: one\r\n  two\r\nX-Wide: \u{00A0}wide\u{00A0}\r\nContent-Length: 12\r\n"
                .utf8)
        guard case .success(let fields) = WARCFields.parse(header[...]) else {
            Issue.record("the header did not parse")
            return
        }
        #expect(fields.version == "WARC/1.0")
        #expect(fields.type == "response")
        #expect(fields["WARC-TYPE"] == "response")
        #expect(fields["warc-target-uri"] == "<http://a.example/>")
        #expect(fields["X-Folded"] == "one two")
        #expect(fields["X-Wide"] == "wide")
        #expect(fields["Content-Length"] == "12")
        #expect(fields["Content-Lengt"] == nil)
        #expect(fields["WARC-Type-"] == nil)
        guard case .failure = WARCFields.parse(Array("HTTP/1.1 200 OK\r\n".utf8)[...]) else {
            Issue.record("a non-WARC header parsed")
            return
        }
        guard case .failure = WARCFields.parse(Array("WARC/1.1\r\nno colon here\r\n".utf8)[...]) else {
            Issue.record("a line without a colon parsed")
            return
        }
        guard case .failure = WARCFields.parse([][...]) else {
            Issue.record("an empty header parsed")
            return
        }
    }

    /// Blocks larger than the reader's buffer (1 MiB at first) come back whole, compressed or not,
    /// between small records, with their offsets.
    @Test(arguments: [true, false]) func blocksLargerThanTheBufferReadWhole(compressed: Bool) async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path(compressed ? "large.warc.gz" : "large.warc")
        let descriptor = try #require(POSIXFile.open(path, flags: O_WRONLY | O_CREAT | O_TRUNC))
        let writer = WARCWriter(path: path, descriptor: descriptor, compresses: compressed)
        var fields = WARCFields()
        fields.append("WARC-Type", "resource")
        let blocks: [[UInt8]] = [
            Array("small".utf8), (0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) },
            Array("between".utf8), [UInt8](repeating: 0x42, count: 5_000_000), Array("last".utf8),
        ]
        var offsets: [Int] = []
        for block in blocks { offsets.append(try writer.write(WARCRecord(fields: fields, block: block)).offset) }
        _ = POSIXFile.close(descriptor)
        let read = try await readWARC(path)
        #expect(read.map(\.block) == blocks)
        #expect(read.map(\.entry.offset) == offsets)
    }

    func sampleRecords() -> [WARCRecord] {
        let exchange = HTTPExchange(
            url: "http://example.com/a", request: Array("GET /a HTTP/1.1\r\nHost: example.com\r\n\r\n".utf8),
            responseHead: Array("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n".utf8),
            responseBody: Array("<p>سلام\u{200C}ها</p>".utf8), remoteAddress: "127.0.0.1",
            requestedAt: Date(timeIntervalSince1970: 1_700_000_000), receivedAt: Date(timeIntervalSince1970: 1_700_000_001))
        return [WARCExchangeRecords.warcinfo(fileName: "x.warc.gz", date: Date(timeIntervalSince1970: 1_700_000_000))]
            + WARCExchangeRecords.responseAndRequest(exchange, date: exchange.receivedAt, warcinfoID: nil)
    }

    @Test(arguments: [true, false]) func writtenRecordsReadBackWithTheirOffsets(compressed: Bool) async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path(compressed ? "a.warc.gz" : "a.warc")
        let descriptor = try #require(POSIXFile.open(path, flags: O_WRONLY | O_CREAT | O_TRUNC))
        let writer = WARCWriter(path: path, descriptor: descriptor, compresses: compressed)
        let records = sampleRecords()
        var offsets: [Int] = []
        for record in records { offsets.append(try writer.write(record).offset) }
        _ = POSIXFile.close(descriptor)

        let read = try await readWARC(path)
        #expect(read.map(\.entry.offset) == offsets)
        #expect(read.map(\.block) == records.map(\.block))
        #expect(read.map { $0.entry.fields.type } == ["warcinfo", "response", "request"])
        let response = read[1].entry.fields
        #expect(response.version == "WARC/1.1")
        #expect(response["warc-target-uri"] == "http://example.com/a")
        #expect(response["WARC-Date"] == "2023-11-14T22:13:21Z")
        #expect(response["WARC-IP-Address"] == "127.0.0.1")
        #expect(response["WARC-Block-Digest"] == WARCRecord.digest(of: read[1].block[...]))
        #expect(read[2].entry.fields["WARC-Concurrent-To"] == response["WARC-Record-ID"])
        #expect(response["WARC-Record-ID"]?.hasPrefix("<urn:uuid:") == true)
        #expect(WARCDate.parse(response["WARC-Date"] ?? "") == Date(timeIntervalSince1970: 1_700_000_001))
    }

    @Test func datesReadInTheirW3CForms() {
        #expect(WARCDate.parse("2023-11-14T22:13:21Z") == Date(timeIntervalSince1970: 1_700_000_001))
        #expect(WARCDate.parse("2023-11-14T22:13:21.5Z") == Date(timeIntervalSince1970: 1_700_000_001.5))
        #expect(WARCDate.parse("1970-01-01") == Date(timeIntervalSince1970: 0))
        #expect(WARCDate.parse("2023-11-14 22:13:21") == nil)
        #expect(WARCDate.parse("2023-13-01T00:00:00Z") == nil)
    }

    @Test func brokenFilesFailWithTheOffsetOfTheirRecord() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let records = sampleRecords()
        let writer = WARCWriter(path: "-", descriptor: -1, compresses: true)
        let members = try records.map { try writer.encoded($0) }
        // Cut in the middle of the third member: the first two read, the third fails at its offset.
        let cut = members[0] + members[1] + members[2].prefix(members[2].count / 2)
        let path = folder.path("cut.warc.gz")
        try Data(cut).write(to: URL(fileURLWithPath: path))
        let reader = WARCReader(input: try WARCFileInput(path: path), source: path)
        #expect(try await reader.next()?.offset == 0)
        #expect(try await reader.next()?.offset == members[0].count)
        do {
            _ = try await reader.next()
            _ = try await reader.readBlock()
            Issue.record("a cut file read to its end")
        } catch {
            #expect(error.offset == members[0].count + members[1].count, "\(error)")
            #expect(error.description.contains("cut.warc.gz"))
        }

        let garbage = folder.path("garbage.warc")
        try Data("<html>not a warc</html>\r\n\r\n".utf8).write(to: URL(fileURLWithPath: garbage))
        await #expect(throws: WARCReadError.self) { _ = try await readWARC(garbage) }
        let wrongLength = folder.path("length.warc")
        try Data("WARC/1.1\r\nWARC-Type: resource\r\nContent-Length: 100\r\n\r\nshort\r\n\r\n".utf8).write(to: URL(fileURLWithPath: wrongLength))
        let error = await #expect(throws: WARCReadError.self) { _ = try await readWARC(wrongLength) }
        #expect(error?.reason.contains("ends inside") == true)
    }

    /// Memory stays flat in the file's size: a reader skipping every block of a 60 MB file never
    /// holds more than a few megabytes of it.
    @Test func skippingBlocksReadsLargeFilesInConstantMemory() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path("big.warc")
        let descriptor = try #require(POSIXFile.open(path, flags: O_WRONLY | O_CREAT | O_TRUNC))
        let writer = WARCWriter(path: path, descriptor: descriptor, compresses: false)
        var fields = WARCFields()
        fields.append("WARC-Type", "resource")
        for _ in 0..<30 { try writer.write(WARCRecord(fields: fields, block: [UInt8](repeating: 0x41, count: 2_000_000))) }
        _ = POSIXFile.close(descriptor)
        let reader = WARCReader(input: try WARCFileInput(path: path), source: path)
        var count = 0
        while let entry = try await reader.next() {
            #expect(entry.blockLength == 2_000_000)
            try await reader.skipBlock()
            count += 1
        }
        #expect(count == 30)
        #expect(reader.bufferCapacity < 8_000_000, "\(reader.bufferCapacity)")
    }
}
