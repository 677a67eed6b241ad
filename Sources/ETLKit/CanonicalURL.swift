import Foundation

/// One spelling per page: the URL as `crawl`, `dedup` and state stores compare it.
///
/// Scheme and host lower-cased, default ports (80, 443) dropped, the fragment dropped, tracking
/// parameters (`utm_*`, `fbclid`, `gclid`, …) removed and the remaining query parameters sorted,
/// an empty path written `/`. Anything that is not an http(s) URL is returned as it is.
///
/// The path is kept as it is: `/news/1` and `/news/1/` are different URLs (RFC 3986), which a
/// server may answer differently and robots.txt may rule differently, so both are fetched when
/// both are found. Two such URLs with the same page are one story to the `dedup` step's content
/// and near-duplicate checks.
public enum CanonicalURL {
    /// Query parameters that only track where a visitor came from.
    public static let trackingParameters: Set<String> = ["fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid",
                                                         "_ga", "_gl", "ref_src", "cmpid", "ocid"]

    /// The canonical form of `url`.
    public static func canonical(_ url: String) -> String {
        guard var components = URLComponents(string: url.trimmingWhitespace()),
              let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https" else { return url }
        components.scheme = scheme
        components.host = components.host?.lowercased()
        if (scheme == "http" && components.port == 80) || (scheme == "https" && components.port == 443) { components.port = nil }
        components.fragment = nil
        if components.percentEncodedPath.isEmpty { components.percentEncodedPath = "/" }
        if let items = components.percentEncodedQueryItems {
            let kept = items.filter { item in
                let name = item.name.lowercased()
                return !name.hasPrefix("utm_") && !trackingParameters.contains(name)
            }.sorted { ($0.name, $0.value ?? "") < ($1.name, $1.value ?? "") }
            components.percentEncodedQueryItems = kept.isEmpty ? nil : kept
        }
        return components.string ?? url
    }

    /// `url` resolved against `base` (a link's `href` against its page), canonical; nil for links
    /// that are not http(s) (`mailto:`, `javascript:`, …).
    public static func resolve(_ link: String, against base: String) -> String? {
        let trimmed = link.trimmingWhitespace()
        guard !trimmed.isEmpty, !trimmed.hasPrefix("#"), let baseURL = URL(string: base),
              let resolved = URL(string: trimmed, relativeTo: baseURL)?.absoluteURL,
              let scheme = resolved.scheme?.lowercased(), scheme == "http" || scheme == "https" else { return nil }
        return canonical(resolved.absoluteString)
    }
}
