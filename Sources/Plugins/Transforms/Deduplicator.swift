import ETLKit
import Foundation

/// The `dedup` transform: recognises a record seen before by its canonical URL, by the hash of its
/// normalised body, or as a near-duplicate by SimHash, and drops it or marks it with `duplicateOf`.
///
/// Agencies republish each other's stories with their own lead-in and small edits; `near` (the
/// default) catches those: the SimHash of the body's word 3-shingles within `threshold` bits of one
/// seen before. With `state`, what was seen is kept in a SQLite file, so a second run of the same
/// pipeline emits nothing twice.
public struct Deduplicator: Transform {
    public static let descriptor = PluginDescriptor(
        id: "dedup",
        kind: .transform,
        summary: "Drops or marks records seen before: same canonical URL, same body text, or a near-duplicate (SimHash).",
        discussion: """
            `by`: url (the `canonicalUrl` field, else the URL, made canonical: scheme and host in lower case, \
            no default port, fragment or tracking parameters, query sorted; /news/1 and /news/1/ are two URLs), content (SHA-256 of the body folded: ZWNJs removed, white space \
            collapsed, Arabic yeh and kaf as Persian, digits as ASCII, lower case, agency lead-ins «به گزارش …،» \
            left out), or near (both, and a 64-bit SimHash of the body's word 3-shingles within `threshold` bits). \
            `mark` keeps a duplicate and sets `duplicateOf` to the first record's URL. Without `state` only \
            duplicates within the run are found. A page is never a duplicate of its own older text: the same \
            URL with the same text is (a second run emits nothing twice), an edited version of it is not and \
            passes (and a copy of the new text elsewhere is then caught). The survivor of a group of copies \
            is the first in its source's order, whatever the timing: the runner lets records into dedup \
            in the order the source sent them (records of several sources at once come in the order the \
            sources happened to send them).
            """,
        options: [Option.by.spec, Option.threshold.spec, Option.action.spec, Option.state.spec],
        isOrderSensitive: true
    )

    public enum Method: String, Sendable, CaseIterable { case url, content, near }
    /// What happens to a duplicate.
    public enum Action: String, Sendable, CaseIterable { case drop, mark }

    /// The options, each declared once (``OptionKey``).
    enum Option {
        static let by: OptionKey<Method> = .choice(
            "by", default: .near,
            "What makes a duplicate: the canonical URL, the exact (normalised) body, or a near-duplicate body; near includes the other two.")
        static let threshold: OptionKey<Int> = .integer(
            "threshold", minimum: 0, maximum: 32, default: 8,
            "The largest Hamming distance between two 64-bit SimHashes that counts as a near-duplicate (republished copies with a few words changed measured 2–7; different stories 29–38)."
        )
        static let action: OptionKey<Action> = .choice(
            "action", default: .drop, "Drop a duplicate (counted as skipped), or keep it with `duplicateOf` set to the first record's URL.")
        static let state: OptionKey<String?> = .string(
            "state", "A SQLite file that keeps what was seen across runs, such as \"out/dedup.sqlite\"; created if missing.")
    }

    public let method: Method
    public let threshold: Int
    public let marks: Bool
    let index: DedupIndex

    public init(options: PluginOptions) throws {
        method = options[Option.by]
        threshold = options[Option.threshold]
        marks = options[Option.action] == .mark
        let state = options[Option.state]
        if let state, state.isEmpty {
            throw OptionError(option: Option.state.name, "must name a file, such as \"out/dedup.sqlite\"")
        }
        // Its index is SQLite's alone so far: a URL would become a file named after it.
        if let state, StateLocation.isDatabaseURL(state) {
            throw OptionError(
                option: Option.state.name, "must name a SQLite file, such as \"out/dedup.sqlite\": a PostgreSQL URL is not supported for dedup's state yet")
        }
        // Nothing is opened here: the index opens its state file when the first record arrives.
        index = DedupIndex(threshold: threshold, statePath: state)
    }

    public func apply(to record: Record, context: RunContext) async throws -> Record? {
        let url = record.text("url") ?? record.url
        let body = record.text("body")
        let entry = DedupIndex.Entry(
            url: url,
            canonicalURL: CanonicalURL.canonical(record.text("canonicalUrl") ?? url),
            contentHash: body.map(SimHash.contentHash),
            fingerprint: method == .near ? body.map(SimHash.fingerprint) : nil)
        guard let (first, match) = try await index.claim(entry, url: true, content: method != .url, near: method == .near) else {
            return record
        }
        context.logger.debug("dedup: \(url) duplicates \(first) (\(match))")
        guard marks else { return nil }
        var record = record
        record.fields["duplicateOf"] = .string(first)
        return record
    }
}
