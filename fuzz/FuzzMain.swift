// libFuzzer entry point for keyward's two parsers of untrusted bytes:
// the key format check (KeyFormat.shape) and the verify request body parser.
// Built and run by fuzz/run.sh; not part of the package build.

import KeywardCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)

    // 1. Key format: any accepted key must re-verify by the definition of the checksum.
    if let shape = KeyFormat.shape(of: bytes) {
        precondition(shape.checksum.upperBound == size && shape.random.count == KeyFormat.randomLength)
        let body = UnsafeRawBufferPointer(rebasing: bytes[0..<(size - KeyFormat.checksumLength)])
        var expected: [UInt8] = []
        Base62.encode(CRC32.checksum(body), width: KeyFormat.checksumLength, into: &expected)
        precondition(expected.elementsEqual(UnsafeRawBufferPointer(rebasing: bytes[shape.checksum])), "accepted a key with a wrong checksum")
    }

    // 2. Verify body: either a clear error or ranges that lie inside the input.
    if let request = try? VerifyRequestParser.parse(bytes) {
        for text in [request.key] + request.requiredScopes + (request.ip.map { [$0] } ?? []) {
            if case .slice(let range) = text { precondition(range.lowerBound >= 0 && range.upperBound <= size) }
        }
        if case .slice(let range) = request.key {
            precondition(!range.isEmpty && range.count <= VerifyRequest.maximumKeyBytes)
        }
    }
    return 0
}
