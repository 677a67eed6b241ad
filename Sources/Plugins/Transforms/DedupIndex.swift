import ETLKit
import Foundation
// GRDB has a `Record` class too; this file needs neither.
import GRDB

/// What the `dedup` transform has seen: canonical URLs, content hashes and SimHash fingerprints,
/// each with the URL of the first record that had it. An actor, so that concurrent records are
/// checked and added one at a time (of two copies processed at once, exactly one is first).
///
/// Without a state file the index lives for one run. With one (a SQLite database, through GRDB),
/// the whole index is read when the first record arrives and every new entry is written through, so
/// a later run recognises what earlier runs saw.
actor DedupIndex {
    /// One record's keys.
    struct Entry: Sendable {
        /// The URL that duplicates point to (`duplicateOf`).
        var url: String
        var canonicalURL: String?
        /// The body's hash; taken whatever the method, to tell a page's versions apart.
        var contentHash: String?
        var fingerprint: UInt64?
    }

    /// Why a record is a duplicate.
    enum Match: Sendable, Equatable {
        case url
        case content
        case near(distance: Int)
    }

    /// The Hamming distance up to which fingerprints count as near-duplicates.
    let threshold: Int
    /// The SQLite file, or nil for an index of this run only.
    let statePath: String?

    private var byURL: [String: String] = [:]
    private var byHash: [String: String] = [:]
    /// The content hash of the last version seen of each page, by its own canonical URL.
    private var versions: [String: String?] = [:]
    private var fingerprints: [(fingerprint: UInt64, url: String)] = []
    /// Fingerprint indices by (band, 16-bit value): two fingerprints within distance 3 agree on at
    /// least one of their four 16-bit bands, so only those need comparing.
    private var bands: [[UInt16: [Int]]] = Array(repeating: [:], count: 4)
    private var database: DatabaseQueue?
    private var loaded = false

    init(threshold: Int, statePath: String?) {
        self.threshold = threshold
        self.statePath = statePath
    }

    /// The first record's URL and why, when the entry duplicates one seen before; otherwise adds the
    /// entry and returns nil. Only the checks asked for are made, but every key is recorded.
    ///
    /// A page is a duplicate of itself only in the version seen before: the same URL with the same
    /// text (a second run emits nothing twice). Its edited version (a later run, `--full-refresh`)
    /// is a new version, not a duplicate of its own old text; it passes, and its keys are recorded
    /// too, so that a copy of the new text under another URL is caught.
    func claim(_ entry: Entry, url checkURL: Bool, content checkContent: Bool, near checkNear: Bool) throws -> (first: String, match: Match)? {
        try loadIfNeeded()
        let own = CanonicalURL.canonical(entry.url)
        if let seen = versions[own], seen == entry.contentHash { return (entry.url, .url) }
        func isOther(_ first: String) -> Bool { first == entry.url ? false : CanonicalURL.canonical(first) != own }
        if checkURL, let canonical = entry.canonicalURL, let first = byURL[canonical], isOther(first) { return (first, .url) }
        if checkContent, let hash = entry.contentHash, let first = byHash[hash], isOther(first) { return (first, .content) }
        if checkNear, let fingerprint = entry.fingerprint, let (first, distance) = nearest(to: fingerprint, other: isOther) {
            return (first, .near(distance: distance))
        }
        try add(entry)
        return nil
    }

    /// The closest fingerprint within the threshold of another page (`other`), if any.
    private func nearest(to fingerprint: UInt64, other: (String) -> Bool) -> (String, Int)? {
        var best: (String, Int)?
        func consider(_ index: Int) {
            let distance = SimHash.distance(fingerprint, fingerprints[index].fingerprint)
            if distance <= threshold, distance < (best?.1 ?? Int.max), other(fingerprints[index].url) { best = (fingerprints[index].url, distance) }
        }
        if threshold <= 3 {
            var seen = Set<Int>()
            for band in 0..<4 {
                for index in bands[band][Self.band(fingerprint, band)] ?? [] where seen.insert(index).inserted { consider(index) }
            }
        } else {
            for index in fingerprints.indices { consider(index) }
        }
        return best
    }

    private static func band(_ fingerprint: UInt64, _ band: Int) -> UInt16 {
        UInt16(truncatingIfNeeded: fingerprint >> UInt64(band * 16))
    }

    private func remember(_ entry: Entry) {
        versions[CanonicalURL.canonical(entry.url)] = .some(entry.contentHash)
        if let canonical = entry.canonicalURL, byURL[canonical] == nil { byURL[canonical] = entry.url }
        if let hash = entry.contentHash, byHash[hash] == nil { byHash[hash] = entry.url }
        if let fingerprint = entry.fingerprint {
            let index = fingerprints.count
            fingerprints.append((fingerprint, entry.url))
            for band in 0..<4 { bands[band][Self.band(fingerprint, band), default: []].append(index) }
        }
    }

    private func add(_ entry: Entry) throws {
        remember(entry)
        guard let database else { return }
        do {
            try database.write { database in
                try database.execute(
                    sql: "INSERT INTO seen (url, canonicalUrl, contentHash, simhash, seenAt, simhashVersion) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [
                        entry.url, entry.canonicalURL, entry.contentHash, entry.fingerprint.map { Int64(bitPattern: $0) },
                        Timestamp.iso8601(Date()), SimHash.fingerprintVersion,
                    ])
            }
        } catch {
            throw DedupError.stateFailed(path: statePath ?? "", reason: "\(error)", underlying: error)
        }
    }

    /// Opens the state file and reads its entries, once.
    private func loadIfNeeded() throws {
        guard !loaded else { return }
        loaded = true
        guard let statePath else { return }
        do {
            try OutputFile.createParentDirectory(of: statePath)
            var configuration = Configuration()
            configuration.journalMode = .wal
            configuration.busyMode = .timeout(10)
            let database = try DatabaseQueue(path: statePath, configuration: configuration)
            let rows = try database.write { database -> [Row] in
                try database.execute(
                    sql: """
                        CREATE TABLE IF NOT EXISTS seen (
                            url TEXT NOT NULL, canonicalUrl TEXT, contentHash TEXT, simhash INTEGER, seenAt TEXT NOT NULL,
                            simhashVersion INTEGER)
                        """)
                // Files of earlier versions: their fingerprints were made with another shingle hash.
                if try !database.columns(in: "seen").contains(where: { $0.name == "simhashVersion" }) {
                    try database.execute(sql: "ALTER TABLE seen ADD COLUMN simhashVersion INTEGER")
                }
                return try Row.fetchAll(database, sql: "SELECT url, canonicalUrl, contentHash, simhash, simhashVersion FROM seen ORDER BY rowid")
            }
            for row in rows {
                let simhash: Int64? = row["simhash"]
                let version: Int = row["simhashVersion"] ?? 1
                // A fingerprint of another version is not comparable: its URL and text hash still count.
                remember(
                    Entry(
                        url: row["url"], canonicalURL: row["canonicalUrl"], contentHash: row["contentHash"],
                        fingerprint: version == SimHash.fingerprintVersion ? simhash.map { UInt64(bitPattern: $0) } : nil))
            }
            self.database = database
        } catch {
            throw DedupError.stateFailed(path: statePath, reason: "\(error)", underlying: error)
        }
    }
}
