/// Private key blocks: `-----BEGIN <label> PRIVATE KEY[ BLOCK]-----`, a body, and the matching
/// `-----END …-----`. The whole block is one finding, however many lines it spans, and a block
/// whose body is too short to hold key material (a documentation stub) is not reported.
struct PEMBlockMatcher: Sendable {
    /// Base64 characters a block must hold to be key material rather than a stub.
    var minimumBody = 64
    /// How far to look for the end marker: larger than any RSA-8192 or PGP key block.
    static let maximumBlock = 24 * 1024
    static let begin = Array("-----BEGIN".utf8)
    static let end = Array("-----END".utf8)
    static let dashes = Array("-----".utf8)
    static let labelBytes = ByteSet.uppercase.union(.digits).union(ByteSet(Array(" _-".utf8)))
    static let base64 = ByteSet.alphanumerics.union(ByteSet(Array("+/=".utf8)))
    static let suffixes: [[UInt8]] = ["PRIVATE KEY", "PRIVATE KEY BLOCK"].map { Array($0.utf8) }

    /// `keywordStart` is where `-----BEGIN` starts; returns the block's range and the length of
    /// its `-----BEGIN …-----` header (which is format, not secret).
    func match(_ buffer: UnsafeRawBufferPointer, keywordStart: Int) -> (block: Range<Int>, header: Int)? {
        var position = keywordStart + Self.begin.count
        guard position < buffer.count, buffer[position] == UInt8(ascii: " ") else { return nil }
        position += 1
        let labelStart = position
        while position < buffer.count, position - labelStart <= 100, Self.labelBytes.contains(buffer[position]), buffer[position] != UInt8(ascii: "-") {
            position += 1
        }
        let label = Array(UnsafeRawBufferPointer(rebasing: buffer[labelStart..<position]))
        guard Self.suffixes.contains(where: { label.count >= $0.count && Array(label.suffix($0.count)) == $0 }),
              TokenPattern.equal(buffer, at: position, Self.dashes, folded: false)
        else { return nil }
        let bodyStart = position + Self.dashes.count
        let limit = min(buffer.count, keywordStart + Self.maximumBlock)
        var cursor = bodyStart
        var body = 0
        while cursor < limit {
            let byte = buffer[cursor]
            if byte == UInt8(ascii: "-"), TokenPattern.equal(buffer, at: cursor, Self.end, folded: false) {
                guard body >= minimumBody else { return nil }
                // the end marker's label, then its closing dashes
                var close = cursor + Self.end.count
                while close < limit, close - cursor < 120, buffer[close] != UInt8(ascii: "\n"), !TokenPattern.equal(buffer, at: close, Self.dashes, folded: false) {
                    close += 1
                }
                guard TokenPattern.equal(buffer, at: close, Self.dashes, folded: false) else { return nil }
                return (keywordStart..<(close + Self.dashes.count), bodyStart - keywordStart)
            }
            if Self.base64.contains(byte) { body += 1 }
            cursor += 1
        }
        return nil
    }
}
