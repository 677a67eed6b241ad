import Foundation

/// One spelling per page: the URL as `crawl`, `dedup` and state stores compare it.
///
/// Scheme and host lower-cased, default ports (80, 443) dropped, the fragment dropped, tracking
/// parameters (`utm_*`, `fbclid`, `gclid`, …) removed and the remaining query parameters sorted,
/// an empty path written `/`, a trailing slash dropped from any other path (`/news/1/` is
/// `/news/1`). Anything that is not an http(s) URL is returned as it is.
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
        if components.percentEncodedPath.count > 1 && components.percentEncodedPath.hasSuffix("/") {
            components.percentEncodedPath.removeLast()
        }
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
