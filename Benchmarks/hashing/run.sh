#!/usr/bin/env bash
# Hashing: SHA-256 throughput of libcrypto (MessageDigest, what etl uses), the Swift implementation it
# replaced (Sources/ETLKit/SHA256.swift at commit 33c1e32) and swift-crypto, on one core; and the
# time swift-crypto adds to a clean release build (libcrypto adds none: it is a system library).
#
#   Benchmarks/hashing/run.sh            (SKIP_SWIFT_CRYPTO=1 leaves swift-crypto out: its build takes minutes)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
WORK="${TMPDIR:-/tmp}/etl-bench-hashing"
rm -rf "$WORK" && mkdir -p "$WORK/mod" "$WORK/old" "$WORK/new"
MEASURE='
import Foundation
let data = [UInt8](repeating: 0x61, count: 256 << 20)
func best(_ hash: () -> Void) -> Int {
    var best = Double.infinity
    for _ in 0..<3 { let start = Date(); hash(); best = min(best, Date().timeIntervalSince(start)) }
    return Int(256 / best)
}'
git -C "$ROOT" show 33c1e32:Sources/ETLKit/SHA256.swift > "$WORK/old/SHA256.swift"
printf '%s\nprint("Swift SHA-256 (replaced)  \\(best { _ = SHA256.hexDigest(of: data) }) MB/s")\n' "$MEASURE" > "$WORK/old/main.swift"
cp "$ROOT"/Sources/CCrypto/* "$WORK/mod/"
cp "$ROOT/Sources/ETLKit/MessageDigest.swift" "$WORK/new/"
printf '%s\nprint("libcrypto SHA-256 (etl)    \\(best { _ = MessageDigest.hex(.sha256, of: data) }) MB/s")\nprint("libcrypto SHA-1 (etl)      \\(best { _ = MessageDigest.hex(.sha1, of: data) }) MB/s")\n' "$MEASURE" > "$WORK/new/main.swift"
swiftc -O "$WORK"/old/*.swift -o "$WORK/old/bench"
swiftc -O -I "$WORK/mod" "$WORK"/new/*.swift -o "$WORK/new/bench" -lcrypto
taskset -c 0 "$WORK/old/bench"
taskset -c 0 "$WORK/new/bench"
if [ "${SKIP_SWIFT_CRYPTO:-0}" != "1" ]; then
    mkdir -p "$WORK/sc/Sources/sc"
    cat > "$WORK/sc/Package.swift" <<'PKG'
// swift-tools-version:6.1
import PackageDescription
let package = Package(name: "sc", dependencies: [.package(url: "https://github.com/apple/swift-crypto", from: "3.12.3")],
    targets: [.executableTarget(name: "sc", dependencies: [.product(name: "Crypto", package: "swift-crypto")])])
PKG
    printf 'import Crypto\n%s\nprint("swift-crypto SHA-256      \\(best { _ = SHA256.hash(data: data) }) MB/s")\n' "$MEASURE" > "$WORK/sc/Sources/sc/main.swift"
    (cd "$WORK/sc" && swift package resolve >/dev/null)
    start=$(date +%s)
    (cd "$WORK/sc" && swift build -c release -j 2 >/dev/null)
    echo "swift-crypto clean release build: $(( $(date +%s) - start )) s (-j 2)"
    taskset -c 0 "$WORK/sc/.build/release/sc"
fi
