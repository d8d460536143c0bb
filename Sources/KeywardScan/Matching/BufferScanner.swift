/// A secret candidate in a buffer, before it becomes a ``SecretFinding``.
struct Candidate: Sendable, Equatable {
    var rule: Int
    /// Everything the rule matched (for an assignment, name through value).
    var match: Range<Int>
    /// The secret itself: what is hashed, fingerprinted and redacted.
    var secret: Range<Int>
    var confidence: Confidence
    /// Leading bytes of the secret that are format, not secret (`ghp_`, a PEM header): shown unredacted.
    var visiblePrefix = 0
    /// Whether the redacted form may show the first characters after the prefix (not for key blocks).
    var showsSecretStart = true
    /// The token's format has a checksum and this one fails it (see ``CandidateCheck/Verdict``).
    var checksumFailed = false
}

/// Runs every rule over one buffer in two phases: the prefilter DFA collects literal hits, then
/// each hit goes through its rule's cheap rejection tests and, rarely, its matcher. Companion
/// (`nearby`) rules and de-duplication run over the candidates that result.
///
/// The hit phase touches only plain integers and byte tables (``HitPlan``), so the common case,
/// a keyword inside an ordinary word, costs a few loads and no reference counting.
struct BufferScanner: Sendable {
    let ruleSet: RuleSet
    let plan: HitPlan

    init(_ ruleSet: RuleSet) {
        self.ruleSet = ruleSet
        self.plan = HitPlan(ruleSet)
    }

    /// Candidates whose match starts in `report` (the rest belong to a neighbouring chunk).
    func scan(_ buffer: UnsafeRawBufferPointer, report: Range<Int>, scratch: HitScratch = HitScratch()) -> [Candidate] {
        guard !buffer.isEmpty else { return [] }
        ruleSet.prefilter.collectHits(buffer, into: scratch)
        guard scratch.streams.contains(where: { !$0.isEmpty }) else { return [] }
        var state = HitState(ruleCount: ruleSet.rules.count)
        plan.withContext(rules: ruleSet.rules) { context in
            for stream in scratch.streams {
                for hit in stream {
                    process(hit, buffer, context, report: report, state: &state)
                }
            }
        }
        guard !state.candidates.isEmpty else { return [] }
        addCompanions(buffer, report: report, to: &state.candidates)
        return Self.deduplicated(state.candidates, rules: ruleSet.rules)
    }

    /// Per-buffer memory of the hit handlers.
    struct HitState {
        var candidates: [Candidate] = []
        /// Start of the last assignment name examined, per rule.
        var lastName: [Int]
        /// End of the last line a regex rule examined, per rule.
        var lastLine: [Int]

        init(ruleCount: Int) {
            lastName = [Int](repeating: -1, count: ruleCount)
            lastLine = [Int](repeating: -1, count: ruleCount)
        }
    }

    @inline(__always)
    private func process(_ hit: UInt64, _ buffer: UnsafeRawBufferPointer, _ context: HitPlan.Context, report: Range<Int>, state: inout HitState) {
        let end = Int(hit >> 32)
        let literal = Int(hit & 0xFFFF_FFFF)
        let count = buffer.count
        let quick = context.quickTables
        for index in Int(context.actionStart[literal])..<Int(context.actionStart[literal + 1]) {
            let action = context.actions[index]
            let start = end - Int(action.literalLength)
            if action.leftTable >= 0, start > 0, quick[Int(action.leftTable) + Int(buffer[start - 1])] != 0 { continue }
            if action.nextTable >= 0 {
                guard end < count, quick[Int(action.nextTable) + Int(buffer[end])] != 0 else { continue }
            }
            if action.probeTable >= 0 {
                let probe = end + Int(action.probeOffset)
                guard probe < count, quick[Int(action.probeTable) + Int(buffer[probe])] != 0 else { continue }
            }
            run(action, buffer, context, literalStart: start, literalEnd: end, report: report, state: &state)
        }
    }

    /// The slow path: the rule's matcher and checks. Matchers and rules are reached through the
    /// context's unsafe buffers, which lend them in place instead of copying them.
    @inline(never)
    private func run(_ action: HitPlan.Action, _ buffer: UnsafeRawBufferPointer, _ context: HitPlan.Context, literalStart: Int, literalEnd: Int, report: Range<Int>, state: inout HitState) {
        let ruleIndex = Int(action.rule)
        let matcherIndex = Int(action.matcher)
        switch action.kind {
        case .token:
            guard let range = context.tokenPatterns[matcherIndex].match(buffer, anchorStart: literalStart, anchorEnd: literalEnd),
                  report.contains(range.lowerBound)
            else { return }
            let bodyStart = literalEnd - range.lowerBound
            if let verdict = CandidateCheck.token(context.rules[ruleIndex], buffer, range, bodyStart: bodyStart) {
                let visible = context.tokenPatterns[matcherIndex].before.isEmpty ? bodyStart : 0
                state.candidates.append(Candidate(
                    rule: ruleIndex, match: range, secret: range, confidence: verdict.confidence, visiblePrefix: visible, checksumFailed: verdict.checksumFailed
                ))
            }
        case .assignment:
            guard let found = context.assignments[matcherIndex].match(buffer, keywordStart: literalStart, keywordEnd: literalEnd, lastName: &state.lastName[ruleIndex]),
                  report.contains(found.name.lowerBound),
                  CandidateCheck.value(context.rules[ruleIndex], buffer, found.value)
            else { return }
            state.candidates.append(Candidate(rule: ruleIndex, match: found.name.lowerBound..<found.value.upperBound, secret: found.value, confidence: context.rules[ruleIndex].baseConfidence))
        case .pemBlock:
            guard let found = PEMBlockMatcher().match(buffer, keywordStart: literalStart), report.contains(found.block.lowerBound),
                  CandidateCheck.value(context.rules[ruleIndex], buffer, found.block)
            else { return }
            state.candidates.append(Candidate(rule: ruleIndex, match: found.block, secret: found.block, confidence: context.rules[ruleIndex].baseConfidence, visiblePrefix: found.header, showsSecretStart: false))
        case .regex:
            guard RegexMatcher.startsNamePart(buffer, at: literalStart) else { return }
            for found in context.regexes[matcherIndex].matches(buffer, keywordStart: literalStart, keywordEnd: literalEnd, lastLine: &state.lastLine[ruleIndex])
            where report.contains(found.whole.lowerBound) && CandidateCheck.value(context.rules[ruleIndex], buffer, found.secret) {
                state.candidates.append(Candidate(rule: ruleIndex, match: found.whole, secret: found.secret, confidence: context.rules[ruleIndex].baseConfidence))
            }
        }
    }

    private func addCompanions(_ buffer: UnsafeRawBufferPointer, report: Range<Int>, to candidates: inout [Candidate]) {
        var added: [Candidate] = []
        for candidate in candidates {
            for companionIndex in ruleSet.companions[candidate.rule] {
                let companion = ruleSet.rules[companionIndex]
                guard case .nearby(let matcher) = companion.matcher else { continue }
                for range in matcher.candidates(buffer, around: candidate.match)
                where report.contains(range.lowerBound) && CandidateCheck.value(companion, buffer, range) {
                    added.append(Candidate(rule: companionIndex, match: range, secret: range, confidence: companion.baseConfidence))
                }
            }
        }
        candidates.append(contentsOf: added)
    }

    /// Sorted by position; one candidate per rule and place (overlapping matches of one rule keep
    /// the first and longest), and generic rules yield where a specific rule found the same bytes.
    static func deduplicated(_ candidates: [Candidate], rules: [CompiledRule]) -> [Candidate] {
        let sorted = candidates.sorted {
            ($0.match.lowerBound, $1.match.count, $0.rule) < ($1.match.lowerBound, $0.match.count, $1.rule)
        }
        var kept: [Candidate] = []
        var lastEnd: [Int: Int] = [:]
        var specific: [Range<Int>] = []
        for candidate in sorted {
            if let end = lastEnd[candidate.rule], candidate.secret.lowerBound < end { continue }
            lastEnd[candidate.rule] = max(lastEnd[candidate.rule] ?? 0, candidate.secret.upperBound)
            kept.append(candidate)
            if !rules[candidate.rule].isGeneric { specific.append(candidate.secret) }
        }
        guard !specific.isEmpty, kept.contains(where: { rules[$0.rule].isGeneric }) else { return kept }
        specific.sort { $0.lowerBound < $1.lowerBound }
        return kept.filter { candidate in
            guard rules[candidate.rule].isGeneric else { return true }
            // specific ranges starting before the candidate ends, back to the longest a match can be
            var index = specific.partitioningIndex { $0.lowerBound >= candidate.secret.upperBound } - 1
            while index >= 0, specific[index].lowerBound > candidate.secret.lowerBound - Chunking.maximumMatchLength {
                if specific[index].overlaps(candidate.secret) { return false }
                index -= 1
            }
            return true
        }
    }
}

extension Array {
    /// The first index whose element satisfies `predicate`, for a predicate false then true along the array.
    func partitioningIndex(where predicate: (Element) -> Bool) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if predicate(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
