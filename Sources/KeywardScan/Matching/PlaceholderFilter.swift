/// Recognises documentation examples and placeholders, which are not leaks.
///
/// Applied to a candidate secret after its rule matched; which checks run is part of each rule
/// (`reject` in the rules file), because some real formats legitimately contain what another
/// format's placeholder looks like.
public enum PlaceholderFilter {
    public enum Check: String, Codable, Sendable {
        /// Marker words and fill characters: `EXAMPLE`, `xxxx`, `****`, `<your…`, `${…}`, `changeme`, …
        case markers
        /// Six or more consecutive ascending letters (`abcdefgh`): keyboard fill, not randomness.
        case letterSequences = "letter-sequences"
        /// No digit at all: a word or identifier (`s.AcceptanceTimeoutSeconds`), where the
        /// format's random part practically always holds one.
        case noDigits = "no-digits"
    }

    /// Lowercase markers; matched case-insensitively anywhere in the candidate.
    static let markers: [[UInt8]] = [
        "example", "xxxx", "****", "####", "....", "placeholder", "<your", "your_", "your-", "yourkey",
        "${", "{{", "%s", "changeme", "change_me", "redacted", "insert", "replace_me", "replaceme",
    ].map { Array($0.utf8) }

    static func isPlaceholder(_ secret: UnsafeRawBufferPointer, checks: [Check]) -> Bool {
        for check in checks {
            switch check {
            case .markers where containsMarker(secret): return true
            case .letterSequences where hasLetterSequence(secret, length: 6): return true
            case .noDigits where !secret.contains(where: { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }): return true
            default: continue
            }
        }
        return false
    }

    static func containsMarker(_ secret: UnsafeRawBufferPointer) -> Bool {
        let count = secret.count
        for marker in markers where marker.count <= count {
            let first = marker[0]
            var index = 0
            while index + marker.count <= count {
                if secret[index].asciiLowercased == first {
                    var matched = 1
                    while matched < marker.count, secret[index + matched].asciiLowercased == marker[matched] { matched += 1 }
                    if matched == marker.count { return true }
                }
                index += 1
            }
        }
        return false
    }

    static func hasLetterSequence(_ secret: UnsafeRawBufferPointer, length: Int) -> Bool {
        var run = 1
        for index in secret.indices.dropFirst() {
            let previous = secret[index - 1].asciiLowercased
            let current = secret[index].asciiLowercased
            if current.isASCIILetter, previous.isASCIILetter, current == previous &+ 1 {
                run += 1
                if run >= length { return true }
            } else {
                run = 1
            }
        }
        return false
    }
}
