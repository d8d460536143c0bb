/// One piece of a token pattern after parsing: the whole pattern language compiles to a list of
/// these, which the token matcher walks with plain byte comparisons and table lookups.
public enum Segment: Sendable, Hashable {
    /// Exact bytes; `folded` compares ASCII letters without regard to case.
    case literal([UInt8], folded: Bool)
    /// One of several literals (`(?:live|test)`); an empty alternative makes the group optional.
    case choice([[UInt8]], folded: Bool)
    /// Between `min` and `max` bytes, each a member of `set`.
    case run(ByteSet, min: Int, max: Int)

    /// Longest number of bytes this segment can cover.
    var maximumLength: Int {
        switch self {
        case .literal(let bytes, _): bytes.count
        case .choice(let options, _): options.map(\.count).max() ?? 0
        case .run(_, _, let max): max
        }
    }

    var minimumLength: Int {
        switch self {
        case .literal(let bytes, _): bytes.count
        case .choice(let options, _): options.map(\.count).min() ?? 0
        case .run(_, let min, _): min
        }
    }

    /// Bytes the segment can start with; nil when it can be empty (so any byte may follow).
    var firstBytes: ByteSet? {
        switch self {
        case .literal(let bytes, let folded):
            guard let first = bytes.first else { return nil }
            let set = ByteSet([first])
            return folded ? set.caseFolded : set
        case .choice(let options, let folded):
            var set = ByteSet()
            for option in options {
                guard let first = option.first else { return nil }
                set.insert(first)
            }
            return folded ? set.caseFolded : set
        case .run(let set, let min, _):
            return min > 0 ? set : nil
        }
    }

    /// The literal strings this segment stands for, when it is a literal or a small choice.
    var literalAlternatives: [[UInt8]]? {
        switch self {
        case .literal(let bytes, _): [bytes]
        case .choice(let options, _): options
        case .run(let set, let min, let max) where min == 1 && max == 1 && set.count <= 4: set.members.map { [$0] }
        case .run: nil
        }
    }

    var isFolded: Bool {
        switch self {
        case .literal(_, let folded), .choice(_, let folded): folded
        case .run: false
        }
    }
}
