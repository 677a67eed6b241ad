import CCurl

/// libcurl's one-time, process-wide set-up (`curl_global_init`), run before the first transfer. A
/// static `let` runs its initializer exactly once, thread-safely.
package enum CurlGlobal {
    package static let initialized: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK
}
