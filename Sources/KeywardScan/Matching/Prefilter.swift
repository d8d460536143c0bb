/// One pass over the bytes that finds every occurrence of every rule's literal (anchors and
/// keywords) at once: an Aho–Corasick automaton compiled to a dense DFA.
///
/// Literals may be case-sensitive (`AKIA`, `ghp_`) or not (`token`, `npm_`), so the automaton
/// is built by subset construction over literal positions rather than over a single trie; bytes
/// that no literal tells apart share one column (a byte class), which keeps the table small
/// enough to stay in cache. The scan loop is one table load per byte; only states that end a
/// literal carry a flag bit, so the loop leaves its fast path only on a hit.
struct Prefilter: Sendable {
    struct Target: Sendable, Hashable {
        var rule: Int32
        /// For token rules, which pattern of the rule the literal anchors.
        var variant: Int32
    }

    struct Literal: Sendable {
        var bytes: [UInt8]
        var folded: Bool
        var target: Target
    }

    static let maximumLiteralLength = 255
    static let outputFlag: UInt32 = 0x8000_0000

    /// Byte → class column.
    let byteClass: [UInt8]
    let classCount: Int
    /// `transitions[state * classCount + class]` = next state × classCount, with ``outputFlag``
    /// set when the next state ends at least one literal.
    let transitions: [UInt32]
    /// Literals ended by each state: `outputs[outputStart[s] ..< outputStart[s + 1]]`.
    let outputStart: [Int32]
    let outputs: [Int32]
    let literalLength: [Int]
    let longestLiteral: Int
    /// What runs when a literal is found.
    let targets: [[Target]]

    init(_ literals: [Literal]) {
        // One pattern per distinct (bytes, folded); several rules may share it.
        var patternIndex: [[UInt8]: Int] = [:]
        var patterns: [[ByteSet]] = []
        var targets: [[Target]] = []
        for literal in literals {
            let key = literal.bytes + [literal.folded ? 1 : 0]
            if let existing = patternIndex[key] {
                if !targets[existing].contains(literal.target) { targets[existing].append(literal.target) }
                continue
            }
            patternIndex[key] = patterns.count
            patterns.append(literal.bytes.map { literal.folded ? ByteSet([$0]).caseFolded : ByteSet([$0]) })
            targets.append([literal.target])
        }
        self.targets = targets
        literalLength = patterns.map(\.count)
        longestLiteral = literalLength.max() ?? 0

        // Byte classes: refine a single class by membership in every distinct position set.
        var classOf = [Int](repeating: 0, count: 256)
        var classCount = 1
        for set in Set(patterns.joined()) {
            var renumber: [Int: Int] = [:]
            for byte in 0..<256 {
                let key = classOf[byte] * 2 + (set.contains(UInt8(byte)) ? 1 : 0)
                if let existing = renumber[key] { classOf[byte] = existing } else {
                    renumber[key] = renumber.count
                    classOf[byte] = renumber.count - 1
                }
            }
            classCount = renumber.count
        }
        precondition(classCount <= 256)
        byteClass = classOf.map { UInt8($0) }
        self.classCount = classCount
        var representative = [UInt8](repeating: 0, count: classCount)
        for byte in (0..<256).reversed() { representative[classOf[byte]] = UInt8(byte) }
        var starters = [[Int32]](repeating: [], count: classCount)
        for (index, pattern) in patterns.enumerated() {
            for column in 0..<classCount where pattern[0].contains(representative[column]) {
                starters[column].append(Int32(index) << 8 | 1)
            }
        }

        // Subset construction. A state is the sorted set of (pattern, bytes matched so far);
        // completed patterns stay in the set so that states differing in output stay distinct.
        var states: [[Int32]] = [[]]
        var stateIndex: [[Int32]: Int] = [[]: 0]
        var table: [Int] = []
        var next: [Int32] = []
        var current = 0
        while current < states.count {
            let items = states[current]
            for column in 0..<classCount {
                let byte = representative[column]
                next.removeAll(keepingCapacity: true)
                for item in items {
                    let pattern = Int(item >> 8)
                    let matched = Int(item & 0xFF)
                    if matched < patterns[pattern].count, patterns[pattern][matched].contains(byte) {
                        next.append(item + 1)
                    }
                }
                next.append(contentsOf: starters[column])
                next.sort()
                if let existing = stateIndex[next] {
                    table.append(existing)
                } else {
                    stateIndex[next] = states.count
                    table.append(states.count)
                    states.append(next)
                }
            }
            current += 1
        }

        var outputStart: [Int32] = []
        var outputs: [Int32] = []
        var hasOutput: [Bool] = []
        for items in states {
            outputStart.append(Int32(outputs.count))
            let ended = items.filter { Int($0 & 0xFF) == patterns[Int($0 >> 8)].count }.map { $0 >> 8 }
            outputs.append(contentsOf: ended)
            hasOutput.append(!ended.isEmpty)
        }
        outputStart.append(Int32(outputs.count))
        self.outputStart = outputStart
        self.outputs = outputs
        transitions = table.map { next in UInt32(next * classCount) | (hasOutput[next] ? Self.outputFlag : 0) }
    }

    var stateCount: Int { outputStart.count - 1 }
}
