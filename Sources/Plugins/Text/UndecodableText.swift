import ETLKit
import Logging

/// Fetched bytes that read as text neither in the charset declared for them (UTF-8 when none was)
/// nor in any of ``TextDecoding/detectionCandidates``: the page is refused (a dead letter) rather
/// than passed on as U+FFFD and mojibake.
public struct UndecodableText: Error, Sendable, CustomStringConvertible {
    public var url: String
    /// The charset the header or `<meta>` declared; nil when nothing was.
    public var declared: String?

    public init(url: String, declared: String?) {
        self.url = url
        self.declared = declared
    }

    public var description: String {
        let declaration = declared.map { "declares \($0), but its bytes are not \($0)" } ?? "declares no charset and its bytes are not UTF-8"
        return "\(url) \(declaration), and they read as text in none of \(TextDecoding.detectionCandidates.joined(separator: ", ")); "
            + "refused rather than passed on garbled (set the fetcher's charset option if you know it)"
    }
}

extension TextDecoding.Decoded {
    /// The decoding as a fetcher hands it on: a charset detected in place of a declared one is
    /// logged as a warning naming the URL and both charsets (detected with nothing declared: at
    /// debug level, as browsers do it silently); bytes no charset reads are refused.
    package func checked(url: String, logger: Logger) throws(UndecodableText) -> Self {
        guard let mismatch else { return self }
        guard let detected = mismatch.detected else { throw UndecodableText(url: url, declared: mismatch.declared) }
        if let declared = mismatch.declared {
            logger.warning("\(url) declares charset \(declared), but its bytes are not \(declared): read as \(detected), the charset detected")
        } else {
            logger.debug("\(url) declares no charset and is not UTF-8: read as \(detected), the charset detected")
        }
        return self
    }
}

extension UndecodableText: FailureClassifying {
    /// The same bytes decode the same way next time.
    public var isPermanent: Bool { true }
}
