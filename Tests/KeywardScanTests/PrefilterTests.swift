import Testing
@testable import KeywardScan

/// The prefilter against the obvious search: every occurrence of every literal, no more.
@Suite struct PrefilterTests {
    struct Hit: Hashable { var end: Int; var literal: Int }

    static func naive(_ text: [UInt8], _ literals: [Prefilter.Literal]) -> Set<Hit> {
        var hits = Set<Hit>()
        for (index, literal) in literals.enumerated() where literal.bytes.count <= text.count {
            for start in 0...(text.count - literal.bytes.count) {
                let matches = literal.bytes.indices.allSatisfy { offset in
                    literal.folded ? text[start + offset].asciiLowercased == literal.bytes[offset].asciiLowercased : text[start + offset] == literal.bytes[offset]
                }
                if matches { hits.insert(Hit(end: start + literal.bytes.count, literal: index)) }
            }
        }
        return hits
    }

    static func found(_ text: [UInt8], _ prefilter: Prefilter) -> [Hit] {
        let scratch = HitScratch()
        text.withUnsafeBytes { prefilter.collectHits($0, into: scratch) }
        return scratch.streams.joined().map { Hit(end: Int($0 >> 32), literal: Int($0 & 0xFFFF_FFFF)) }
    }

    static let literals: [Prefilter.Literal] = [
        ("ab", false), ("abab", false), ("b", false), ("BA", false), ("aBa", true), ("c_", true), ("_", false), ("cab", true),
    ].enumerated().map { index, entry in
        Prefilter.Literal(bytes: Array(entry.0.utf8), folded: entry.1, target: .init(rule: Int32(index), variant: 0))
    }

    @Test(arguments: [1, 7, 100, 511, 512, 513, 4096, 70_001])
    func findsExactlyTheLiteralOccurrences(length: Int) {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abABc_ ".utf8)
        let text = (0..<length).map { _ in alphabet.randomElement(using: &generator)! }
        let prefilter = try! Prefilter(Self.literals)
        // Literal ids in the prefilter are its own; map them back through the targets.
        let hits = Self.found(text, prefilter).map { Hit(end: $0.end, literal: Int(prefilter.targets[$0.literal][0].rule)) }
        #expect(hits.count == Set(hits).count, "a hit was reported twice")
        #expect(Set(hits) == Self.naive(text, Self.literals))
    }

    @Test func hitsOfEachStreamAreInOrder() {
        let text = Array(String(repeating: "ab_cab ", count: 5000).utf8)
        let scratch = HitScratch()
        text.withUnsafeBytes { try! Prefilter(Self.literals).collectHits($0, into: scratch) }
        let ends = scratch.streams.joined().map { Int($0 >> 32) }
        #expect(ends == ends.sorted())
    }

    @Test func literalsSharedByRulesRunEveryRule() {
        let shared = [
            Prefilter.Literal(bytes: Array("xoxb-".utf8), folded: false, target: .init(rule: 0, variant: 0)),
            Prefilter.Literal(bytes: Array("xoxb-".utf8), folded: false, target: .init(rule: 1, variant: 0)),
        ]
        let prefilter = try! Prefilter(shared)
        #expect(prefilter.targets.count == 1)
        #expect(prefilter.targets[0].map(\.rule) == [0, 1])
    }
}

@Suite struct ByteSearchTests {
    @Test(arguments: [("keyward:allow", "x keyward:allow y", true), ("abc", "ababc", true), ("abc", "ababd", false), ("a", "", false), ("abc", "ab", false), ("", "x", true)])
    func findsExactSubstrings(needle: String, haystack: String, expected: Bool) {
        let found = Array(haystack.utf8).withUnsafeBytes { ByteSearch.contains($0, Array(needle.utf8)) }
        #expect(found == expected)
    }
}
