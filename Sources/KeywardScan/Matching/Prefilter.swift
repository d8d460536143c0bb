/// One pass over the bytes that finds every occurrence of every rule's literal (anchors and
/// keywords) at once: an Aho–Corasick automaton compiled to a dense DFA.
///
/// Literals may be case-sensitive (`AKIA`, `ghp_`) or not (`token`, `npm_`), so the automaton
/// is built by subset construction over literal positions rather than over a single trie; bytes
/// that no literal tells apart share one column (a byte class), which keeps the table small
/// enough to stay in cache. The scan loop is one table load per byte; only states that end a
/// literal carry a flag bit, so the loop leaves its fast path only on a hit.
///
/// Entries are 16-bit state numbers: with hundreds of rules the automaton has thousands of
/// states, and at 32 bits per entry its table (states × byte classes) outgrew the CPU caches
/// and the scan waited on memory; half the bytes keep the states ordinary text visits cached,
/// for one multiplication per byte.
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
    static let outputFlag: UInt16 = 0x8000
    /// States a 16-bit entry can name.
    static let maximumStates = Int(outputFlag)

    /// Byte → class column.
    let byteClass: [UInt8]
    let classCount: Int
    /// `transitions[state * classCount + class]` = next state, with ``outputFlag`` set when the
    /// next state ends at least one literal.
    let transitions: [UInt16]
    /// Literals ended by each state: `outputs[outputStart[s] ..< outputStart[s + 1]]`.
    let outputStart: [Int32]
    let outputs: [Int32]
    let literalLength: [Int]
    let longestLiteral: Int
    /// What runs when a literal is found.
    let targets: [[Target]]

    init(_ literals: [Literal]) throws(RuleError) {
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
        // The partial matches a byte starts: one list per distinct set, shared by the columns
        // that start the same literals.
        var starterGroups: [[Int32]] = []
        var starterGroupIndex: [[Int32]: Int] = [:]
        var starterGroupOfColumn = [Int](repeating: 0, count: classCount)
        for column in 0..<classCount {
            var started: [Int32] = []
            for (index, pattern) in patterns.enumerated() where pattern[0].contains(representative[column]) {
                started.append(Int32(index) << 8 | 1)
            }
            if let existing = starterGroupIndex[started] {
                starterGroupOfColumn[column] = existing
            } else {
                starterGroupIndex[started] = starterGroups.count
                starterGroupOfColumn[column] = starterGroups.count
                starterGroups.append(started)
            }
        }

        // What each group's one-byte matches become after each byte: computed once, not per state.
        var startersAfter: [[Int32]] = []
        for group in starterGroups {
            for column in 0..<classCount {
                let byte = representative[column]
                startersAfter.append(group.filter { item in
                    let pattern = patterns[Int(item >> 8)]
                    return pattern.count > 1 && pattern[1].contains(byte)
                }.map { $0 + 1 })
            }
        }

        // Subset construction. A state is the set of (pattern, bytes matched so far), kept as the
        // partial matches that advanced (two bytes or more, sorted) plus the group of those the
        // last byte started (one byte): the two never overlap, so the pair names the set, and a
        // state's key stays small however many literals share a first byte. Completed patterns
        // stay in the set so that states differing in output stay distinct.
        struct State: Hashable {
            var advanced: [Int32]
            var started: Int
        }
        var states: [State] = [State(advanced: [], started: -1)]
        var stateIndex: [State: Int] = [states[0]: 0]
        var table: [Int] = []
        table.reserveCapacity(classCount * 1024)
        var next: [Int32] = []
        var current = 0
        while current < states.count {
            let state = states[current]
            for column in 0..<classCount {
                let byte = representative[column]
                next.removeAll(keepingCapacity: true)
                for item in state.advanced {
                    let pattern = Int(item >> 8)
                    let matched = Int(item & 0xFF)
                    if matched < patterns[pattern].count, patterns[pattern][matched].contains(byte) {
                        next.append(item + 1)
                    }
                }
                if state.started >= 0 {
                    next.append(contentsOf: startersAfter[state.started * classCount + column])
                }
                if next.count > 1 { next.sort() }
                let target = State(advanced: next, started: starterGroups[starterGroupOfColumn[column]].isEmpty ? -1 : starterGroupOfColumn[column])
                if let existing = stateIndex[target] {
                    table.append(existing)
                } else {
                    guard states.count < Self.maximumStates else {
                        throw RuleError.invalid("the rules' anchors and keywords need more than \(Self.maximumStates) automaton states; use fewer or shorter keywords")
                    }
                    stateIndex[target] = states.count
                    table.append(states.count)
                    states.append(target)
                }
            }
            current += 1
        }

        var outputStart: [Int32] = []
        var outputs: [Int32] = []
        var hasOutput: [Bool] = []
        for state in states {
            outputStart.append(Int32(outputs.count))
            let items = state.advanced + (state.started >= 0 ? starterGroups[state.started] : [])
            let ended = items.filter { Int($0 & 0xFF) == patterns[Int($0 >> 8)].count }.map { $0 >> 8 }
            outputs.append(contentsOf: ended)
            hasOutput.append(!ended.isEmpty)
        }
        outputStart.append(Int32(outputs.count))
        self.outputStart = outputStart
        self.outputs = outputs
        transitions = table.map { next in UInt16(next) | (hasOutput[next] ? Self.outputFlag : 0) }
    }

    var stateCount: Int { outputStart.count - 1 }
}
