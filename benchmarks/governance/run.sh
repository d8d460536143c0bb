#!/usr/bin/env bash
# Governance benchmark: import of a generated AWS credential report and evaluation of the default
# policy over a synthetic inventory, with peak memory.
#
#   benchmarks/governance/run.sh [ROWS] [ITEMS]      (defaults: 1000000 1000000)
#
# Builds a throwaway release package in $WORK (default /tmp/keyward-govbench) that links the
# repository's KeywardCore, KeywardImport and KeywardPolicy sources with runner/main.swift, so it
# measures the library without the server or CLI. `keyward bench governance` runs the same code.
set -euo pipefail
ROWS="${1:-1000000}"
ITEMS="${2:-1000000}"
REPO="$(cd "$(dirname "$0")/../.." && pwd)"
WORK="${WORK:-/tmp/keyward-govbench}"
mkdir -p "$WORK/Sources/govbench"
for target in KeywardCore KeywardImport KeywardPolicy; do
    ln -sfn "$REPO/Sources/$target" "$WORK/Sources/$target"
done
cp "$REPO/benchmarks/governance/runner/main.swift" "$WORK/Sources/govbench/main.swift"
cat > "$WORK/Package.swift" <<'MANIFEST'
// swift-tools-version:6.1
import PackageDescription
let package = Package(
    name: "govbench",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .target(name: "KeywardCore", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "KeywardImport", dependencies: ["KeywardCore"]),
        .target(name: "KeywardPolicy", dependencies: ["KeywardCore", .product(name: "Yams", package: "Yams")]),
        .executableTarget(name: "govbench", dependencies: ["KeywardCore", "KeywardImport", "KeywardPolicy"]),
    ],
    swiftLanguageModes: [.v6]
)
MANIFEST
cd "$WORK"
swift build -c release --product govbench >&2
echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(nproc) cores, $(swift --version 2>&1 | head -1)"
echo "# command: benchmarks/governance/run.sh $ROWS $ITEMS"
"$WORK/.build/release/govbench" "$ROWS" "$ITEMS" "$WORK"
rm -f "$WORK/keyward-bench-credential-report-$ROWS.csv"
