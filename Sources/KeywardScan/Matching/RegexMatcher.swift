import Foundation

/// The escape hatch for formats the token language cannot express. The expression runs only
/// around a keyword hit, never over a whole file, so a slow rule costs in proportion to how often
/// its keyword occurs.
///
/// It sees the keyword's line, the lines that continue it (a line ending in `\`, as shell commands
/// are split), and one line more: a value often sits on the line after its name
/// (`<apiKey>` ⏎ `value` ⏎ `</apiKey>`, `-u user:pass` three continuation lines after `curl`).
///
/// The text is decoded as ISO Latin-1, one UTF-16 unit per byte, so match offsets are byte
/// offsets and invalid UTF-8 cannot shift them.
struct RegexMatcher: @unchecked Sendable {
    // NSRegularExpression is immutable and documented as safe to use from several threads.
    private let expression: NSRegularExpression
    private let secretGroup: Int
    /// Longest section examined on either side of a keyword (minified files have huge lines).
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

    /// Matches around the keyword at `keywordStart`; `lastLine` skips a line already examined for
    /// an earlier keyword hit.
    func matches(_ buffer: UnsafeRawBufferPointer, keywordStart: Int, lastLine: inout Int) -> [Match] {
        var lineStart = keywordStart
        while lineStart > 0, keywordStart - lineStart < Self.window, buffer[lineStart - 1] != 0x0A { lineStart -= 1 }
        guard lineStart > lastLine else { return [] }
        let limit = min(buffer.count, keywordStart + Self.window)
        var lineEnd = Self.lineEnd(buffer, from: keywordStart, limit: limit)
        lastLine = lineEnd
        var regionEnd = lineEnd
        while regionEnd < limit, Self.continues(buffer, lineStart: lineStart, lineEnd: lineEnd) {
            lineEnd = Self.lineEnd(buffer, from: regionEnd + 1, limit: limit)
            regionEnd = lineEnd
        }
        if regionEnd < limit { regionEnd = Self.lineEnd(buffer, from: regionEnd + 1, limit: limit) }
        let text = String(bytes: UnsafeRawBufferPointer(rebasing: buffer[lineStart..<regionEnd]), encoding: .isoLatin1) ?? ""
        let results = expression.matches(in: text, range: NSRange(location: 0, length: (text as NSString).length))
        return results.compactMap { result in
            guard let secret = secretRange(result) else { return nil }
            return Match(
                whole: (lineStart + result.range.location)..<(lineStart + result.range.location + result.range.length),
                secret: (lineStart + secret.location)..<(lineStart + secret.location + secret.length)
            )
        }
    }

    /// The secret capture, or the first later capture that took part in the match.
    private func secretRange(_ result: NSTextCheckingResult) -> NSRange? {
        for group in secretGroup..<max(secretGroup + 1, result.numberOfRanges) {
            let range = result.range(at: group)
            if range.location != NSNotFound, range.length > 0 { return range }
        }
        return nil
    }

    private static func lineEnd(_ buffer: UnsafeRawBufferPointer, from start: Int, limit: Int) -> Int {
        var end = start
        while end < limit, buffer[end] != 0x0A { end += 1 }
        return end
    }

    /// Whether the line ends in a backslash (spaces and a carriage return aside).
    private static func continues(_ buffer: UnsafeRawBufferPointer, lineStart: Int, lineEnd: Int) -> Bool {
        var last = lineEnd - 1
        while last >= lineStart, buffer[last] == 0x20 || buffer[last] == 0x0D || buffer[last] == 0x09 { last -= 1 }
        return last >= lineStart && buffer[last] == UInt8(ascii: "\\")
    }
}
