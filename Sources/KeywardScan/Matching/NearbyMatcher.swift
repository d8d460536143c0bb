/// A value that is a secret only because of what stands next to it: a 40-character base64
/// string is anything, but within a few lines of an AWS access key id it is that key's secret.
/// Runs after the other rules, over a window around each finding of the rule it accompanies.
struct NearbyMatcher: Sendable {
    let nearRule: String
    let window: Int
    let set: ByteSet
    let minimumLength: Int
    let maximumLength: Int

    init(nearRule: String, window: Int, pattern: String) throws {
        let segments: [Segment]
        do { segments = try PatternParser.parse(pattern) } catch { throw RuleError.invalid("pattern: \(error)") }
        guard segments.count == 1, case .run(let set, let minimum, let maximum) = segments[0], minimum > 0 else {
            throw RuleError.invalid("a nearby rule's pattern must be a single run such as [A-Za-z0-9/+]{40}")
        }
        self.nearRule = nearRule
        self.window = window
        self.set = set
        self.minimumLength = minimum
        self.maximumLength = maximum
    }

    /// Whole runs of the value's characters within `window` bytes of `around`, outside it.
    func candidates(_ buffer: UnsafeRawBufferPointer, around: Range<Int>) -> [Range<Int>] {
        let lower = max(0, around.lowerBound - window)
        let upper = min(buffer.count, around.upperBound + window)
        var found: [Range<Int>] = []
        var position = lower
        while position < upper {
            guard set.contains(buffer[position]) else { position += 1; continue }
            let start = position
            while position < buffer.count, set.contains(buffer[position]) { position += 1 }
            let touchesWord = (start > 0 && ByteSet.word.contains(buffer[start - 1]))
                || (position < buffer.count && ByteSet.word.contains(buffer[position]))
            let length = position - start
            if !touchesWord, length >= minimumLength, length <= maximumLength, !around.overlaps(start..<position) {
                found.append(start..<position)
            }
        }
        return found
    }
}
