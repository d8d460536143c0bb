/// A rule ready to run: its definition plus the matcher built from it.
public struct CompiledRule: Sendable {
    enum Matcher: Sendable {
        case token([TokenPattern])
        case assignment(AssignmentMatcher)
        case pemBlock(PEMBlockMatcher)
        case regex(RegexMatcher)
        case nearby(NearbyMatcher)
    }

    public let definition: RuleDefinition
    let matcher: Matcher
    let placeholderChecks: [PlaceholderFilter.Check]
    let allowSecrets: Set<[UInt8]>
    /// The files this rule may report in (nil: all).
    let pathFilter: PathFilter?

    public var id: String { definition.id }
    public var isGeneric: Bool { definition.generic ?? false }
    public var baseConfidence: Confidence { definition.confidence ?? .medium }
    public var severity: Severity { definition.severity ?? .high }

    /// Literals the prefilter must find for this rule to run (empty for `nearby` rules).
    var prefilterLiterals: [(bytes: [UInt8], folded: Bool, variant: Int)] {
        switch matcher {
        case .token(let patterns):
            patterns.enumerated().flatMap { index, pattern in pattern.anchors.map { ($0, pattern.anchorFolded, index) } }
        case .assignment, .regex:
            (definition.keywords ?? []).map { (Array($0.lowercased().utf8), true, 0) }
        case .pemBlock:
            [(PEMBlockMatcher.begin, false, 0)]
        case .nearby:
            []
        }
    }

    init(_ definition: RuleDefinition) throws(RuleError) {
        func fail(_ reason: String) -> RuleError { RuleError.invalid("rule \(definition.id): \(reason)") }
        guard !definition.id.isEmpty, definition.id.utf8.allSatisfy({ ByteSet.word.contains($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }) else {
            throw fail("ids are letters, digits, '-', '_' and '.'")
        }
        self.definition = definition
        placeholderChecks = definition.reject ?? [.markers]
        allowSecrets = Set((definition.allowSecrets ?? []).map { Array($0.utf8) })
        if let paths = definition.paths {
            guard !paths.isEmpty else { throw fail("\"paths\" is empty; leave it out to scan every file") }
            do { pathFilter = try PathFilter(paths) } catch { throw fail("\(error)") }
        } else {
            pathFilter = nil
        }
        guard let kind = definition.kind else { throw fail("\"kind\" is missing (token, assignment, pem-block, regex or nearby)") }
        switch kind {
        case .token:
            guard let patterns = definition.patterns, !patterns.isEmpty else { throw fail("a token rule needs \"patterns\"") }
            var compiled: [TokenPattern] = []
            for pattern in patterns {
                do {
                    compiled.append(try TokenPattern(pattern: pattern, anchor: definition.anchor, boundary: definition.boundary ?? .word))
                } catch {
                    throw fail("pattern \(pattern): \(error)")
                }
            }
            if let longest = compiled.map(\.maximumLength).max(), longest > Chunking.maximumMatchLength {
                throw fail("patterns may match at most \(Chunking.maximumMatchLength) bytes")
            }
            matcher = .token(compiled)
        case .assignment:
            guard let options = definition.assignment else { throw fail("an assignment rule needs \"assignment\" options") }
            guard let keywords = definition.keywords, !keywords.isEmpty, !keywords.contains(where: \.isEmpty) else {
                throw fail("an assignment rule needs non-empty \"keywords\"")
            }
            matcher = .assignment(AssignmentMatcher(options, minimumEntropy: definition.minEntropy))
        case .pemBlock:
            matcher = .pemBlock(PEMBlockMatcher())
        case .regex:
            guard let regex = definition.regex else { throw fail("a regex rule needs \"regex\"") }
            guard let keywords = definition.keywords, !keywords.isEmpty, !keywords.contains(where: \.isEmpty) else {
                throw fail("a regex rule needs non-empty \"keywords\": regular expressions run only where a keyword occurs")
            }
            do {
                matcher = .regex(try RegexMatcher(pattern: regex, secretGroup: definition.secretGroup ?? 0, namedValue: definition.namedValue ?? false))
            } catch {
                throw fail("regex: \(error)")
            }
        case .nearby:
            guard let near = definition.near, let pattern = definition.patterns?.first, definition.patterns?.count == 1 else {
                throw fail("a nearby rule needs \"near\" and one pattern")
            }
            let window = definition.window ?? 512
            guard window > 0, window <= Chunking.maximumMatchLength else { throw fail("window must be 1...\(Chunking.maximumMatchLength)") }
            do {
                matcher = .nearby(try NearbyMatcher(nearRule: near, window: window, pattern: pattern))
            } catch {
                throw fail("\(error)")
            }
        }
        if definition.checksum != nil, definition.kind != .token { throw fail("only token rules can have a checksum") }
    }
}
