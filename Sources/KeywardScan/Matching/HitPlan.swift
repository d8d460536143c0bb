/// What to do when the prefilter finds a literal, flattened into plain integers so that the hit
/// loop needs no reference counting: for each literal, a list of actions, each naming its rule,
/// its matcher, and up to three byte tables that reject most hits before any matcher runs.
struct HitPlan: Sendable {
    enum Kind: UInt8, Sendable { case token, assignment, pemBlock, regex }

    struct Action: Sendable {
        var kind: Kind
        var rule: Int32
        /// Index into the matcher array of `kind`.
        var matcher: Int32
        var literalLength: Int32
        /// Offsets into ``quickTables`` (-1: no test). Left: the byte before the literal must not
        /// be a member. Next: the byte after must be. Probe: the byte `probeOffset` after must be.
        var leftTable: Int32 = -1
        var nextTable: Int32 = -1
        var probeTable: Int32 = -1
        var probeOffset: Int32 = 0
    }

    /// Actions of prefilter literal `l`: `actions[actionStart[l] ..< actionStart[l + 1]]`.
    let actionStart: [Int32]
    let actions: [Action]
    /// 256-byte membership tables, back to back.
    let quickTables: [UInt8]
    let tokenPatterns: [TokenPattern]
    let assignments: [AssignmentMatcher]
    let regexes: [RegexMatcher]

    init(_ ruleSet: RuleSet) {
        var tokenPatterns: [TokenPattern] = []
        var assignments: [AssignmentMatcher] = []
        var regexes: [RegexMatcher] = []
        var quickTables: [UInt8] = []
        var tableOffsets: [ByteSet: Int32] = [:]
        func table(_ set: ByteSet?) -> Int32 {
            guard let set else { return -1 }
            if let offset = tableOffsets[set] { return offset }
            let offset = Int32(quickTables.count)
            quickTables.append(contentsOf: set.table)
            tableOffsets[set] = offset
            return offset
        }
        // Matcher indices per (rule, variant).
        var tokenIndex: [Prefilter.Target: Int32] = [:]
        var otherIndex: [Int32: Int32] = [:]
        for (ruleIndex, rule) in ruleSet.rules.enumerated() {
            switch rule.matcher {
            case .token(let patterns):
                for (variant, pattern) in patterns.enumerated() {
                    tokenIndex[Prefilter.Target(rule: Int32(ruleIndex), variant: Int32(variant))] = Int32(tokenPatterns.count)
                    tokenPatterns.append(pattern)
                }
            case .assignment(let matcher):
                otherIndex[Int32(ruleIndex)] = Int32(assignments.count)
                assignments.append(matcher)
            case .regex(let matcher):
                otherIndex[Int32(ruleIndex)] = Int32(regexes.count)
                regexes.append(matcher)
            case .pemBlock, .nearby:
                otherIndex[Int32(ruleIndex)] = 0
            }
        }
        var actionStart: [Int32] = []
        var actions: [Action] = []
        let prefilter = ruleSet.prefilter
        for literal in prefilter.targets.indices {
            actionStart.append(Int32(actions.count))
            let length = Int32(prefilter.literalLength[literal])
            for target in prefilter.targets[literal] {
                let rule = ruleSet.rules[Int(target.rule)]
                switch rule.matcher {
                case .token(let patterns):
                    let pattern = patterns[Int(target.variant)]
                    actions.append(Action(
                        kind: .token, rule: target.rule, matcher: tokenIndex[target]!, literalLength: length,
                        leftTable: pattern.before.isEmpty ? table(pattern.leftExclusion) : -1,
                        nextTable: table(pattern.nextBytes),
                        probeTable: table(pattern.probeBytes),
                        probeOffset: Int32(pattern.probeOffset)
                    ))
                case .assignment:
                    actions.append(Action(kind: .assignment, rule: target.rule, matcher: otherIndex[target.rule]!, literalLength: length))
                case .regex:
                    actions.append(Action(kind: .regex, rule: target.rule, matcher: otherIndex[target.rule]!, literalLength: length))
                case .pemBlock:
                    actions.append(Action(kind: .pemBlock, rule: target.rule, matcher: 0, literalLength: length))
                case .nearby:
                    continue
                }
            }
        }
        actionStart.append(Int32(actions.count))
        self.actionStart = actionStart
        self.actions = actions
        self.quickTables = quickTables
        self.tokenPatterns = tokenPatterns
        self.assignments = assignments
        self.regexes = regexes
    }

    /// The plan's arrays as unsafe buffers, valid inside ``withContext(rules:_:)``.
    struct Context {
        var actionStart: UnsafeBufferPointer<Int32>
        var actions: UnsafeBufferPointer<Action>
        var quickTables: UnsafeBufferPointer<UInt8>
        var tokenPatterns: UnsafeBufferPointer<TokenPattern>
        var assignments: UnsafeBufferPointer<AssignmentMatcher>
        var regexes: UnsafeBufferPointer<RegexMatcher>
        var rules: UnsafeBufferPointer<CompiledRule>
    }

    func withContext<Result>(rules: [CompiledRule], _ body: (Context) -> Result) -> Result {
        actionStart.withUnsafeBufferPointer { actionStart in
            actions.withUnsafeBufferPointer { actions in
                quickTables.withUnsafeBufferPointer { quickTables in
                    tokenPatterns.withUnsafeBufferPointer { tokenPatterns in
                        assignments.withUnsafeBufferPointer { assignments in
                            regexes.withUnsafeBufferPointer { regexes in
                                rules.withUnsafeBufferPointer { rules in
                                    body(Context(
                                        actionStart: actionStart, actions: actions, quickTables: quickTables, tokenPatterns: tokenPatterns,
                                        assignments: assignments, regexes: regexes, rules: rules
                                    ))
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
