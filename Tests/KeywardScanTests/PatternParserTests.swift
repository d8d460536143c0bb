import Testing
@testable import KeywardScan

@Suite struct PatternParserTests {
    @Test func literalsClassesAndQuantifiers() throws {
        let segments = try PatternParser.parse("ghp_[0-9A-Za-z]{36}")
        #expect(segments.count == 2)
        #expect(segments[0] == .literal(Array("ghp_".utf8), folded: false))
        guard case .run(let set, let minimum, let maximum) = segments[1] else { Issue.record("expected a run"); return }
        #expect(set.count == 62 && minimum == 36 && maximum == 36)
    }

    @Test func escapesRangesAndOpenQuantifiers() throws {
        let segments = try PatternParser.parse(#"SG\.[\w.=-]{66}x+y?"#)
        #expect(segments[0] == .literal(Array("SG.".utf8), folded: false))
        guard case .run(let set, _, _) = segments[1] else { Issue.record("expected a run"); return }
        #expect(set.contains(UInt8(ascii: "_")) && set.contains(UInt8(ascii: "-")) && set.contains(UInt8(ascii: "=")) && !set.contains(UInt8(ascii: "+")))
        #expect(segments[2] == .run(ByteSet([UInt8(ascii: "x")]), min: 1, max: PatternParser.maximumRepeat))
        #expect(segments[3] == .run(ByteSet([UInt8(ascii: "y")]), min: 0, max: 1))
    }

    @Test func groupsOfAlternativesAreLongestFirstAndOptional() throws {
        let segments = try PatternParser.parse("(?:sk|rk)_(?:test|live)?_")
        #expect(segments[0] == .choice([Array("sk".utf8), Array("rk".utf8)], folded: false))
        #expect(segments[2] == .choice([Array("test".utf8), Array("live".utf8), []], folded: false))
    }

    @Test func caseInsensitiveFoldsLiteralsAndClasses() throws {
        let segments = try PatternParser.parse("(?i)npm_[a-z]{2}")
        #expect(segments[0] == .literal(Array("npm_".utf8), folded: true))
        guard case .run(let set, _, _) = segments[1] else { Issue.record("expected a run"); return }
        #expect(set.contains(UInt8(ascii: "Q")) && set.contains(UInt8(ascii: "q")))
    }

    @Test(arguments: ["a(b)", "a.b", "a|b", "(?:a[bc])", "[abc", "a{3", "a{5,2}", #"\q"#, "", "x{99999}"])
    func rejectsWhatNeedsARegex(_ pattern: String) {
        #expect(throws: PatternError.self) { try PatternParser.parse(pattern) }
    }

    @Test func anchorInTheMiddleMatchesBothWays() throws {
        let pattern = try TokenPattern(pattern: "[a-z]{1,4}_[a-z]{1,4}_[0-9]{3}", anchor: "_", boundary: .word)
        #expect(pattern.anchors == [Array("_".utf8)])
        #expect(pattern.before.count == 3 && pattern.after.count == 1)
        let text = Array(" ab_cd_123 ".utf8)
        let range = text.withUnsafeBytes { pattern.match($0, anchorStart: 6, anchorEnd: 7) }
        #expect(range == 1..<10)
        let inWord = Array("xab_cd_1234".utf8)
        #expect(inWord.withUnsafeBytes { pattern.match($0, anchorStart: 6, anchorEnd: 7) } == nil)
    }

    @Test func leadingLiteralsExpandIntoAnchors() throws {
        let pattern = try TokenPattern(pattern: "(?:sk|rk)_(?:live|test)_[a-z]{4}", anchor: nil, boundary: .word)
        #expect(Set(pattern.anchors.map { String(decoding: $0, as: UTF8.self) }) == ["sk_live_", "sk_test_", "rk_live_", "rk_test_"])
        #expect(pattern.after.count == 1)
    }
}
