/// A token pattern compiled for matching around a prefilter hit.
///
/// The pattern is split at its anchor, the literal the prefilter finds: segments after the anchor
/// are matched forwards, segments before it backwards, so an anchor need not start the token
/// (keyward keys are anchored on their second `_`, OpenAI keys on `T3BlbkFJ`). Runs are greedy
/// and backtrack, with a step budget so that no input can make one candidate expensive.
///
/// A class: the hit loop reaches patterns by index many times per buffer, and copying a struct
/// of arrays would retain every array each time.
final class TokenPattern: Sendable {
    /// The literals the prefilter looks for; each is a possible anchor of this pattern.
    let anchors: [[UInt8]]
    let anchorFolded: Bool
    /// Segments before the anchor, nearest first.
    let before: [Segment]
    let after: [Segment]
    /// Bytes that may not touch the token on its left and right (nil: no boundary).
    let leftExclusion: ByteSet?
    let rightExclusion: ByteSet?
    /// Cheap rejection before any matching: the byte right after the anchor must be in `nextBytes`,
    /// and the byte `probeOffset` after the anchor must be in `probeBytes`.
    let nextBytes: ByteSet?
    let probeOffset: Int
    let probeBytes: ByteSet?
    let maximumLength: Int
    /// True when the last segment is a run whose bytes the right boundary excludes: then only the
    /// longest run can end the token, and backtracking it is pointless.
    private let lastRunGreedyOnly: Bool
    private let firstRunGreedyOnly: Bool

    /// Work allowed per candidate: one unit per step and per byte a run examines. Ordinary
    /// tokens use a few dozen; the bound keeps crafted input from making backtracking expensive.
    static let stepBudget = 1 << 16

    init(pattern: String, anchor: String?, boundary: RuleDefinition.Boundary) throws(PatternError) {
        let segments = try PatternParser.parse(pattern)
        var anchorIndex: Int
        var anchors: [[UInt8]]
        var folded: Bool
        if let anchor {
            let wanted = Array(anchor.utf8)
            guard let found = segments.lastIndex(where: { segment in
                if case .literal(let bytes, _) = segment { return bytes == wanted }
                return false
            }) else {
                throw PatternError(message: "anchor \"\(anchor)\" is not a literal of the pattern", offset: 0)
            }
            anchorIndex = found
            anchors = [wanted]
            folded = segments[found].isFolded
        } else {
            // Expand leading literals, small choices and one-byte classes into whole anchors
            // (`(?:sk|rk)_(?:live|test)_` becomes four literals), as long as that stays small.
            anchors = [[]]
            anchorIndex = -1
            folded = segments[0].isFolded
            for (index, segment) in segments.enumerated() {
                guard let options = segment.literalAlternatives, !options.contains(where: \.isEmpty),
                      segment.isFolded == folded || !options.joined().contains(where: \.isASCIILetter),
                      anchors.count * options.count <= 64
                else { break }
                anchors = anchors.flatMap { prefix in options.map { prefix + $0 } }
                anchorIndex = index
            }
            guard anchorIndex >= 0 else {
                throw PatternError(message: "the pattern must start with a literal, or name its \"anchor\"", offset: 0)
            }
        }
        self.anchors = anchors
        self.anchorFolded = folded
        // With an expanded anchor everything before it is part of the anchor.
        self.before = anchor == nil ? [] : Array(segments[..<anchorIndex].reversed())
        self.after = Array(segments[(anchorIndex + 1)...])
        let leadingRun: ByteSet? = if case .run(let set, _, _) = segments.first { set } else { nil }
        let trailingRun: ByteSet? = if case .run(let set, _, _) = segments.last { set } else { nil }
        switch boundary {
        case .word:
            leftExclusion = leadingRun.map { ByteSet.word.union($0) } ?? .word
            rightExclusion = trailingRun.map { ByteSet.word.union($0) } ?? .word
        case .none:
            leftExclusion = nil
            rightExclusion = nil
        }
        lastRunGreedyOnly = trailingRun != nil && rightExclusion != nil && !after.isEmpty
        firstRunGreedyOnly = leadingRun != nil && leftExclusion != nil && !before.isEmpty
        nextBytes = after.first?.firstBytes
        if case .run(let set, let minimum, _)? = after.first, minimum > 1 {
            probeOffset = minimum - 1
            probeBytes = set
        } else {
            probeOffset = 0
            probeBytes = nil
        }
        maximumLength = segments.reduce(0) { $0 + $1.maximumLength }
    }

    /// Matches around an anchor found at `anchorStart..<anchorEnd`; returns the token's range.
    func match(_ buffer: UnsafeRawBufferPointer, anchorStart: Int, anchorEnd: Int) -> Range<Int>? {
        // Most hits end here: an anchor inside a word (`key` for `ey`, `task_` for `sk_`).
        if before.isEmpty, let leftExclusion, anchorStart > 0, leftExclusion.contains(buffer[anchorStart - 1]) { return nil }
        if let nextBytes {
            guard anchorEnd < buffer.count, nextBytes.contains(buffer[anchorEnd]) else { return nil }
        }
        if let probeBytes {
            let probe = anchorEnd + probeOffset
            guard probe < buffer.count, probeBytes.contains(buffer[probe]) else { return nil }
        }
        var budget = Self.stepBudget
        guard let end = forward(buffer, 0, anchorEnd, &budget) else { return nil }
        guard let start = backward(buffer, 0, anchorStart, &budget) else { return nil }
        return start..<end
    }

    private func forward(_ buffer: UnsafeRawBufferPointer, _ index: Int, _ position: Int, _ budget: inout Int) -> Int? {
        guard index < after.count else {
            if let rightExclusion, position < buffer.count, rightExclusion.contains(buffer[position]) { return nil }
            return position
        }
        budget -= 1
        guard budget >= 0 else { return nil }
        switch after[index] {
        case .literal(let bytes, let folded):
            guard Self.equal(buffer, at: position, bytes, folded: folded) else { return nil }
            return forward(buffer, index + 1, position + bytes.count, &budget)
        case .choice(let options, let folded):
            for option in options where Self.equal(buffer, at: position, option, folded: folded) {
                if let end = forward(buffer, index + 1, position + option.count, &budget) { return end }
            }
            return nil
        case .run(let set, let minimum, let maximum):
            let limit = min(maximum, buffer.count - position)
            var length = 0
            while length < limit, set.contains(buffer[position + length]) { length += 1 }
            budget -= length
            guard length >= minimum, budget >= 0 else { return nil }
            if lastRunGreedyOnly && index == after.count - 1 {
                return forward(buffer, index + 1, position + length, &budget)
            }
            while length >= minimum {
                if let end = forward(buffer, index + 1, position + length, &budget) { return end }
                length -= 1
            }
            return nil
        }
    }

    private func backward(_ buffer: UnsafeRawBufferPointer, _ index: Int, _ position: Int, _ budget: inout Int) -> Int? {
        guard index < before.count else {
            if let leftExclusion, position > 0, leftExclusion.contains(buffer[position - 1]) { return nil }
            return position
        }
        budget -= 1
        guard budget >= 0 else { return nil }
        switch before[index] {
        case .literal(let bytes, let folded):
            guard position >= bytes.count, Self.equal(buffer, at: position - bytes.count, bytes, folded: folded) else { return nil }
            return backward(buffer, index + 1, position - bytes.count, &budget)
        case .choice(let options, let folded):
            for option in options where position >= option.count && Self.equal(buffer, at: position - option.count, option, folded: folded) {
                if let start = backward(buffer, index + 1, position - option.count, &budget) { return start }
            }
            return nil
        case .run(let set, let minimum, let maximum):
            let limit = min(maximum, position)
            var length = 0
            while length < limit, set.contains(buffer[position - 1 - length]) { length += 1 }
            budget -= length
            guard length >= minimum, budget >= 0 else { return nil }
            if firstRunGreedyOnly && index == before.count - 1 {
                return backward(buffer, index + 1, position - length, &budget)
            }
            while length >= minimum {
                if let start = backward(buffer, index + 1, position - length, &budget) { return start }
                length -= 1
            }
            return nil
        }
    }

    @inline(__always)
    static func equal(_ buffer: UnsafeRawBufferPointer, at position: Int, _ bytes: [UInt8], folded: Bool) -> Bool {
        guard position >= 0, position + bytes.count <= buffer.count else { return false }
        if folded {
            for (offset, byte) in bytes.enumerated() where buffer[position + offset].asciiLowercased != byte.asciiLowercased { return false }
        } else {
            for (offset, byte) in bytes.enumerated() where buffer[position + offset] != byte { return false }
        }
        return true
    }
}
