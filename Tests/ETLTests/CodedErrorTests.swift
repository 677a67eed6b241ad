import ETLHTTP
import ETLKit
import Testing

@testable import ETLPlugins

/// The errors are structs with a code, a message and the error they wrap: their messages are the
/// ones the enums they replace gave (dead letters and users rely on them).
@Suite struct CodedErrorTests {
    let url = "https://news.ir/a"
    let target = "https://news.ir/b"

    @Test func messagesAreUnchanged() {
        #expect(
            HTTPFetchError.httpStatus(url: url, finalURL: target, status: 404).description
                == "cannot fetch https://news.ir/a: HTTP status 404 (redirected to https://news.ir/b)")
        #expect(
            HTTPFetchError.failedAfterAttempts(attempts: 3, last: .httpStatus(url: url, finalURL: url, status: 502)).description
                == "cannot fetch https://news.ir/a after 3 attempts (option retries): HTTP status 502")
        #expect(
            HTTPFetchError.afterRedirect(url: url, target: target, error: .addressRefused(url: target, address: "127.0.0.2", kind: "loopback")).description
                == "cannot fetch https://news.ir/a: redirected to https://news.ir/b, which failed: cannot fetch https://news.ir/b: its address 127.0.0.2 "
                + "is a loopback address, refused for a host the pipeline does not name (option allowPrivate)")
        #expect(
            HTTPFetchError.retryAfterTooLong(url: url, status: 503, seconds: 3600, limit: 10.5, attempts: 1).description
                == "cannot fetch https://news.ir/a: HTTP status 503 with Retry-After 3600 s, more than maxRetryAfter (10.5 s), after 1 attempt")
        #expect(HTTPFetchError.invalidURL("ftp://x").description == "cannot fetch ftp://x: not an http or https URL with a host")
        #expect(
            FileFetchError.tooLarge(path: "/tmp/a", size: nil, limit: 10).description
                == "cannot read /tmp/a: over the limit of 10 bytes (option maxBytes)")
        #expect(
            FileFetchError.tooLarge(path: "/tmp/a", size: 20, limit: 10).description
                == "cannot read /tmp/a: 20 bytes is over the limit of 10 bytes (option maxBytes)")
        #expect(
            URLListSourceError.badLine(file: "urls.txt", line: 3, text: "x", problem: "has no scheme").description
                == "urls.txt:3: bad URL \"x\": it has no scheme")
        #expect(
            FileSourceError.noMatch(pattern: "/a/*.html", directory: "/b").description
                == "no files match \"/a/*.html\" (set \"allowEmpty\": true to accept that)")
        #expect(
            FileSourceError.noMatch(pattern: "*.html", directory: "/b").description
                == "no files match \"*.html\" in /b (set \"allowEmpty\": true to accept that)")
        #expect(
            WARCSourceError.unreadableFiles(["a.warc: cut", "b.warc: bad"]).description
                == "2 WARC files could not be read to the end: a.warc: cut; b.warc: bad")
        #expect(WARCSourceError.unreadableFiles(["a.warc: cut"]).description == "1 WARC file could not be read to the end: a.warc: cut")
        #expect(
            JSONLSinkError.writeFailed(path: "out.jsonl", records: 1, reason: "disk full").description
                == "cannot write 1 record to out.jsonl: disk full")
        #expect(SQLiteSinkError.writeFailed(path: "db", table: "t", key: "k", reason: "r").description == "cannot write \"k\" to table \"t\" in db: r")
        #expect(
            RunError.deadLetterWrite(url: url, reason: "disk full").description
                == "the dead-letter sink failed for https://news.ir/a, stopping so that nothing is lost: disk full")
        #expect(RunError.interrupted(reason: "cancelled").description == "the run stopped: cancelled")
        #expect(OutputFileError.cannotOpen(path: "p", reason: "r").description == "cannot write p: r")
        #expect(OutputFileError.notAFile(path: "p").description == "cannot write p: it is a folder, not a file")
        #expect(OutputFileError.notAFile(path: "p").reason == "it is a folder, not a file")
        #expect(OutputFileError.cannotReplace(path: "p", reason: "r").description == "cannot put the new p in place: r")
        #expect(HTMLCleanerError.notHTML(url: url, mediaType: "text/plain").description == "https://news.ir/a is text/plain, not HTML")
        #expect(
            ArticleExtractorError.noBody(url: url).description
                == "no article text found in https://news.ir/a (set requireBody to false to keep such pages)")
        #expect(SitemapError.several(["a", "b"]).description == "a; b")
    }

    @Test func aCodeIsTestedWithoutASwitch() {
        let error = HTTPFetchError.httpStatus(url: url, finalURL: url, status: 404)
        #expect(error.code == .httpStatus)
        #expect(error.code != .tooLarge)
        #expect(error.code.rawValue == "httpStatus")
        #expect(error.status == 404)
        #expect(error.isPermanent)
        let anyError: any Error = FileFetchError.notFound(path: "/tmp/none")
        #expect((anyError as? FileFetchError)?.code == .notFound)
        #expect((anyError as? FileFetchError)?.path == "/tmp/none")
        // A code that a later version adds is just another value: old callers' code still compiles.
        let later: HTTPFetchError.Code = "someLaterCode"
        #expect(later != .httpStatus)
        #expect(ArticleExtractorError.noBody(url: url).code == .noBody)
        #expect(RunError.interrupted(reason: "x").code == .interrupted)
    }

    @Test func theWrappedErrorIsUnderlying() throws {
        let refused = HTTPFetchError.addressRefused(url: target, address: "127.0.0.2", kind: "loopback")
        let redirected = HTTPFetchError.afterRedirect(url: url, target: target, error: refused)
        #expect(redirected.code == .afterRedirect)
        #expect(redirected.target == target)
        #expect(try #require(redirected.underlying as? HTTPFetchError) == refused)
        #expect(redirected.isPermanent == refused.isPermanent)

        let reset = HTTPFetchError.networkFailure(url: url, curlCode: 56, message: "Connection reset by peer")
        let retried = HTTPFetchError.failedAfterAttempts(attempts: 3, last: reset)
        #expect(retried.code == .failedAfterAttempts)
        #expect(retried.attempts == 3)
        #expect(retried.url == url)
        #expect(retried.wrapped?.code == .networkFailure)
        #expect(retried.wrapped?.curlCode == 56)
        #expect(!retried.isPermanent)
        #expect(retried.description == "cannot fetch https://news.ir/a after 3 attempts (option retries): Connection reset by peer (curl error 56)")

        let gone = HTTPFetchError.failedAfterAttempts(attempts: 2, last: .httpStatus(url: url, finalURL: url, status: 410))
        #expect(gone.status == 410)
        #expect(gone.isPermanent)
        #expect(HTTPFetchError.timedOut(url: url, message: "slow").underlying == nil)

        struct DiskFull: Error {}
        let sink = RunError.sinkFlush(sink: "jsonl", reason: "disk full", underlying: DiskFull())
        #expect(sink.underlying is DiskFull)
        #expect(sink.description == "sink \"jsonl\" could not flush, stopping so that nothing is lost: disk full")
    }
}
