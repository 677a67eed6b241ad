import ETLKit

/// Why the `persian` transform could not run (a ``CodedError``).
public struct PersianNormalizerError: CodedError, FailureClassifying {
    public typealias Code = ErrorCode<PersianNormalizerError>

    public let code: Code
    public let message: String

    /// See ``ErrorCode/lexiconMissing``; `searched` are the folders looked in.
    public static func lexiconMissing(searched: [String]) -> PersianNormalizerError {
        PersianNormalizerError(
            code: .lexiconMissing,
            message: "the Persian lexicon (persian-lexicon.txt) is missing: keep etl_ETLText.resources next to the etl binary, "
                + "set ETL_RESOURCES to its folder, or switch off zwnj and restoreZwnj (looked in: \(searched.joined(separator: ", ")))")
    }

    /// The installation's trouble, not the page's: once the lexicon is in place the page goes through.
    public var isPermanent: Bool { false }
}

extension ErrorCode where Domain == PersianNormalizerError {
    /// The lexicon that ZWNJ rules need is not where the binary's resources should be.
    public static var lexiconMissing: Self { "lexiconMissing" }
}
