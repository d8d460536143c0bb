#!/usr/bin/env bash
# Fuzzes the key format check and the verify request parser with libFuzzer.
# Usage: fuzz/run.sh [SECONDS]   (default 60). Crashes are written to fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
out=.build-fuzz
mkdir -p "$out" fuzz/corpus fuzz/artifacts
# The parser imports KeywardCore. Rather than the whole package, the few Core files the fuzzed
# code needs are compiled (instrumented too) into a module of that name, and the parser is
# compiled as it is against it, so the product source needs nothing for the fuzzer's sake.
core=(Sources/KeywardCore/Keys/KeyFormat.swift Sources/KeywardCore/Keys/Scopes.swift
  Sources/KeywardCore/Support/Base62.swift Sources/KeywardCore/Support/CRC32.swift Sources/KeywardCore/Support/KeywardError.swift
  Sources/KeywardCore/JSON/JSONEscape.swift)
flags=(-sanitize=fuzzer,address -parse-as-library -O)
swiftc "${flags[@]}" -module-name KeywardCore -emit-module -emit-module-path "$out/KeywardCore.swiftmodule" \
  -emit-library -static -o "$out/libKeywardCore.a" "${core[@]}"
swiftc "${flags[@]}" -module-name KeywardFuzz -I "$out" -L "$out" -lKeywardCore \
  fuzz/FuzzMain.swift Sources/KeywardServer/Verify/VerifyRequestParser.swift \
  -o "$out/keyward-fuzz" 2> >(grep -v "Cannot export local symbol" >&2)
# Seeds: a well-formed key (random, checksum computed here, so no key-shaped string is kept in
# the repository; it was never issued anywhere) and typical bodies.
seed_key=$(python3 -c '
import secrets, zlib
alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
body = "kw_live_" + "".join(secrets.choice(alphabet) for _ in range(32))
crc, digits = zlib.crc32(body.encode()), ""
for _ in range(6):
    digits = alphabet[crc % 62] + digits
    crc //= 62
print(body + digits)')
printf '%s' "$seed_key" > fuzz/corpus/key
printf '%s' "{\"key\":\"$seed_key\",\"required_scopes\":[\"a:b\"],\"ip\":\"10.0.0.1\"}" > fuzz/corpus/body
printf '%s' '{"key":"\u006b\ud83d\ude00","x":[1,2.5e-3,{"y":null}],"required_scopes":null}' > fuzz/corpus/escapes
SWIFT_BACKTRACE=enable=no "$out/keyward-fuzz" -max_total_time="$seconds" -max_len=4096 -artifact_prefix=fuzz/artifacts/ fuzz/corpus
