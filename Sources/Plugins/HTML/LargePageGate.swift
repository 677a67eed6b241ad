import ETLKit

/// Lets one large page at a time into the `html` cleaner of a run.
///
/// A page's cost in memory is many times its bytes (a 13 MB page of a million paragraphs: about
/// 510 MB of libxml2 tree and 150 MB of analysis), so two such pages cleaned at once double the
/// peak however small ``Pipeline/maxBytesInFlight`` is set. Pages of ``HTMLParsing/largePage``
/// bytes or more wait for each other here; smaller pages never wait. Measured in `BENCHMARKS.md`,
/// "Memory with large pages".
package final class LargePageGate: Sendable {
    /// Any large page is over this limit, so each one holds the whole budget while it is cleaned.
    package let budget = ByteBudget(limit: HTMLParsing.largePage)

    package init() {}

    /// Runs `body` for a page of `bytes`: at once for a small page, after any other large page.
    package func admit<T>(_ bytes: Int, _ body: () throws -> T) async throws -> T {
        guard bytes >= HTMLParsing.largePage else { return try body() }
        let held = await budget.reserve(bytes)
        defer { budget.release(held) }
        try Task.checkCancellation()
        return try body()
    }
}
