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
    /// The keyword names a value (`named_value` in the rules file): see ``assignmentFollows(_:from:)``.
    private let namedValue: Bool
    /// Longest section examined on either side of a keyword (minified files have huge lines).
    static let window = 2048

    init(pattern: String, secretGroup: Int, namedValue: Bool = false) throws {
        self.namedValue = namedValue
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
    func matches(_ buffer: UnsafeRawBufferPointer, keywordStart: Int, keywordEnd: Int, lastLine: inout Int) -> [Match] {
        if namedValue, !Self.assignmentFollows(buffer, from: keywordEnd) { return [] }
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

    /// Whether a keyword at `start` begins a part of a name: after a non-alphanumeric byte
    /// (`MY_ADAFRUIT_KEY`, `"adafruit`), or in camel case after a lower-case letter or digit
    /// (`myAdafruitKey`). Inside a word (`global` for `lob`, `probably` for `ably`) it names no
    /// provider, and the expression, the expensive part, does not run.
    @inline(__always)
    static func startsNamePart(_ buffer: UnsafeRawBufferPointer, at start: Int) -> Bool {
        guard start > 0 else { return true }
        let before = buffer[start - 1]
        let beforeIsDigit = before >= UInt8(ascii: "0") && before <= UInt8(ascii: "9")
        guard before.isASCIILetter || beforeIsDigit else { return true }
        let first = buffer[start]
        let beforeIsLower = before >= UInt8(ascii: "a") && before <= UInt8(ascii: "z")
        return first >= UInt8(ascii: "A") && first <= UInt8(ascii: "Z") && (beforeIsLower || beforeIsDigit)
    }

    /// Whether the name the keyword is part of is assigned a value: the rest of the name (up to two
    /// more space-separated words: `telegram bot: …`), at most sixteen spaces, line breaks or quotes, then an
    /// operator (`=`, `:`, `:=`, `=>`, `->`, `.=`, `?=`, `>` of an XML tag, `,` of a call). A byte
    /// loop that accepts everything the provider rules' expressions accept, and rejects the
    /// keyword in prose, URLs and code (`flickr.com/photos`, `API stability is…`) before an
    /// expression runs.
    static func assignmentFollows(_ buffer: UnsafeRawBufferPointer, from keywordEnd: Int) -> Bool {
        let limit = min(buffer.count, keywordEnd + 160)
        var index = keywordEnd
        var words = 0
        while index < limit {
            let byte = buffer[index]
            if isNameByte(byte) {
                index += 1
                continue
            }
            guard byte == 0x20 || byte == 0x09, words < 2 else { break }
            var next = index
            while next < limit, buffer[next] == 0x20 || buffer[next] == 0x09 { next += 1 }
            guard next < limit, isNameByte(buffer[next]) else { break }
            words += 1
            index = next
        }
        var skipped = 0
        while index < limit, skipped < 16, [0x20, 0x09, 0x0A, 0x0D, 0x22, 0x27, 0x60].contains(buffer[index]) {
            index += 1
            skipped += 1
        }
        guard index < limit else { return false }
        return [UInt8(ascii: "="), UInt8(ascii: ":"), UInt8(ascii: ">"), UInt8(ascii: ","), UInt8(ascii: "|"), UInt8(ascii: "?"), UInt8(ascii: "+")]
            .contains(buffer[index])
    }

    @inline(__always)
    private static func isNameByte(_ byte: UInt8) -> Bool {
        byte.isASCIILetter || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
            || byte == UInt8(ascii: "-")
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
