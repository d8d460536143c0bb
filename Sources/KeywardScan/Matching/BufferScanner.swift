/// A secret candidate in a buffer, before it becomes a ``Finding``.
struct Candidate: Sendable, Equatable {
    var rule: Int
    /// Everything the rule matched (for an assignment, name through value).
    var match: Range<Int>
    /// The secret itself: what is hashed, fingerprinted and redacted.
    var secret: Range<Int>
    var confidence: Confidence
    /// Leading bytes of the secret that are format, not secret (`ghp_`, a PEM header): shown unredacted.
    var visiblePrefix = 0
}

/// Runs every rule over one buffer: the prefilter finds literals, each hit runs its rule's
/// matcher on the spot, then companions (`nearby` rules) and de-duplication run over the result.
struct BufferScanner: Sendable {
    let ruleSet: RuleSet

    init(_ ruleSet: RuleSet) { self.ruleSet = ruleSet }

    /// Candidates whose match starts in `report` (the rest belong to a neighbouring chunk).
    func scan(_ buffer: UnsafeRawBufferPointer, report: Range<Int>) -> [Candidate] {
        var state = HitState()
        let prefilter = ruleSet.prefilter
        let count = buffer.count
        guard count > 0 else { return [] }
        prefilter.transitions.withUnsafeBufferPointer { table in
            prefilter.byteClass.withUnsafeBufferPointer { classes in
                var row = 0
                var index = 0
                while index < count {
                    let entry = table[row &+ Int(classes[Int(buffer[index])])]
                    row = Int(entry & ~Prefilter.outputFlag)
                    if entry & Prefilter.outputFlag != 0 {
                        hits(buffer, state: row / prefilter.classCount, end: index + 1, report: report, into: &state)
                    }
                    index &+= 1
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
        var lastName: [Int: Int] = [:]
        /// End of the last line a regex rule examined, per rule.
        var lastLine: [Int: Int] = [:]
    }

    private func hits(_ buffer: UnsafeRawBufferPointer, state: Int, end: Int, report: Range<Int>, into hitState: inout HitState) {
        let prefilter = ruleSet.prefilter
        for output in Int(prefilter.outputStart[state])..<Int(prefilter.outputStart[state + 1]) {
            let literal = Int(prefilter.outputs[output])
            let start = end - prefilter.literalLength[literal]
            for target in prefilter.targets[literal] {
                run(target, buffer, literalStart: start, literalEnd: end, report: report, into: &hitState)
            }
        }
    }

    private func run(_ target: Prefilter.Target, _ buffer: UnsafeRawBufferPointer, literalStart: Int, literalEnd: Int, report: Range<Int>, into state: inout HitState) {
        let ruleIndex = Int(target.rule)
        let rule = ruleSet.rules[ruleIndex]
        switch rule.matcher {
        case .token(let patterns):
            let pattern = patterns[Int(target.variant)]
            guard let range = pattern.match(buffer, anchorStart: literalStart, anchorEnd: literalEnd), report.contains(range.lowerBound) else { return }
            let bodyStart = literalEnd - range.lowerBound
            if let confidence = CandidateCheck.token(rule, buffer, range, bodyStart: bodyStart) {
                let visible = pattern.before.isEmpty ? bodyStart : 0
                state.candidates.append(Candidate(rule: ruleIndex, match: range, secret: range, confidence: confidence, visiblePrefix: visible))
            }
        case .assignment(let matcher):
            var last = state.lastName[ruleIndex] ?? -1
            defer { state.lastName[ruleIndex] = last }
            guard let found = matcher.match(buffer, keywordStart: literalStart, keywordEnd: literalEnd, lastName: &last),
                  report.contains(found.name.lowerBound),
                  CandidateCheck.value(rule, buffer, found.value)
            else { return }
            state.candidates.append(Candidate(rule: ruleIndex, match: found.name.lowerBound..<found.value.upperBound, secret: found.value, confidence: rule.baseConfidence))
        case .pemBlock(let matcher):
            guard let found = matcher.match(buffer, keywordStart: literalStart), report.contains(found.block.lowerBound),
                  CandidateCheck.value(rule, buffer, found.block)
            else { return }
            state.candidates.append(Candidate(rule: ruleIndex, match: found.block, secret: found.block, confidence: rule.baseConfidence, visiblePrefix: found.header))
        case .regex(let matcher):
            var last = state.lastLine[ruleIndex] ?? -1
            defer { state.lastLine[ruleIndex] = last }
            for found in matcher.matches(buffer, keywordStart: literalStart, lastLine: &last)
            where report.contains(found.whole.lowerBound) && CandidateCheck.value(rule, buffer, found.secret) {
                state.candidates.append(Candidate(rule: ruleIndex, match: found.whole, secret: found.secret, confidence: rule.baseConfidence))
            }
        case .nearby:
            return
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
