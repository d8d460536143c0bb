import Foundation

/// The escape hatch for formats the token language cannot express. The expression runs only on
/// the line around a keyword hit, never over a whole file, so a slow rule costs in proportion to
/// how often its keyword occurs.
///
/// The line is decoded as ISO Latin-1, one UTF-16 unit per byte, so match offsets are byte
/// offsets and invalid UTF-8 cannot shift them.
struct RegexMatcher: @unchecked Sendable {
    // NSRegularExpression is immutable and documented as safe to use from several threads.
    private let expression: NSRegularExpression
    private let secretGroup: Int
    /// Longest line section examined on either side of a keyword (minified files have huge lines).
    static let window = 2048

    init(pattern: String, secretGroup: Int) throws {
        expression = try NSRegularExpression(pattern: pattern)
        guard secretGroup >= 0, secretGroup <= expression.numberOfCaptureGroups else {
            throw RuleError.invalid("secret_group \(secretGroup) does not exist in the expression")
        }
        self.secretGroup = secretGroup
    }

    struct Match {
        var whole: Range<Int>
        var secret: Range<Int>
    }

    /// Matches on the line holding the keyword at `keywordStart`; `lastLine` skips a line already
    /// examined for an earlier keyword hit.
    func matches(_ buffer: UnsafeRawBufferPointer, keywordStart: Int, lastLine: inout Int) -> [Match] {
        var lineStart = keywordStart
        while lineStart > 0, keywordStart - lineStart < Self.window, buffer[lineStart - 1] != 0x0A { lineStart -= 1 }
        guard lineStart > lastLine else { return [] }
        var lineEnd = keywordStart
        while lineEnd < buffer.count, lineEnd - keywordStart < Self.window, buffer[lineEnd] != 0x0A { lineEnd += 1 }
        lastLine = lineEnd
        let text = String(bytes: UnsafeRawBufferPointer(rebasing: buffer[lineStart..<lineEnd]), encoding: .isoLatin1) ?? ""
        let results = expression.matches(in: text, range: NSRange(location: 0, length: (text as NSString).length))
        return results.compactMap { result in
            let secret = result.range(at: secretGroup)
            guard secret.location != NSNotFound, secret.length > 0 else { return nil }
            return Match(
                whole: (lineStart + result.range.location)..<(lineStart + result.range.location + result.range.length),
                secret: (lineStart + secret.location)..<(lineStart + secret.location + secret.length)
            )
        }
    }
}
