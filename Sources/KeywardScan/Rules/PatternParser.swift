/// Parses the token pattern language: the subset of regular-expression syntax that common key
/// formats need and that compiles to byte-level matching with no regex engine.
///
/// Supported: literal characters and escapes (`\.`, `\-`, `\xHH`), classes (`[A-Za-z0-9_-]`,
/// `[^…]`, `\d`, `\w`, `\s` inside or outside brackets), quantifiers on a single atom
/// (`{n}`, `{n,m}`, `{n,}`, `?`, `*`, `+`; open ends are capped at ``maximumRepeat``),
/// groups of plain alternatives (`(?:live|test)`, optionally followed by `?`), and `(?i)`, which
/// makes everything after it case-insensitive. Anything else (nested groups, backreferences,
/// look-around, `.`) is rejected with a message naming the position, so a rule author learns
/// at load time that the rule needs the `regex` kind instead.
struct PatternParser {
    /// Upper bound for `*`, `+` and `{n,}`: keeps every match shorter than the chunk overlap.
    static let maximumRepeat = 4096

    private let bytes: [UInt8]
    private var index = 0
    private var folded = false
    private var segments: [Segment] = []
    private var pendingLiteral: [UInt8] = []

    init(_ pattern: String) { bytes = Array(pattern.utf8) }

    static func parse(_ pattern: String) throws(PatternError) -> [Segment] {
        var parser = PatternParser(pattern)
        return try parser.run()
    }

    private mutating func run() throws(PatternError) -> [Segment] {
        while index < bytes.count {
            if startsWith("(?i)") {
                flushLiteral()
                folded = true
                index += 4
                continue
            }
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "("):
                try parseGroup()
            case UInt8(ascii: "["):
                index += 1
                let set = try parseClassBody()
                try appendAtom(.set(set))
            case UInt8(ascii: "\\"):
                let atom = try parseEscape()
                try appendAtom(atom)
            case UInt8(ascii: "."), UInt8(ascii: "|"), UInt8(ascii: ")"), UInt8(ascii: "^"), UInt8(ascii: "$"):
                throw error("'\(Character(UnicodeScalar(byte)))' is not supported in token patterns")
            case UInt8(ascii: "{"), UInt8(ascii: "?"), UInt8(ascii: "*"), UInt8(ascii: "+"):
                throw error("quantifier without anything to repeat")
            default:
                index += 1
                try appendAtom(.byte(byte))
            }
        }
        flushLiteral()
        guard !segments.isEmpty else { throw error("empty pattern") }
        return segments
    }

    private enum Atom { case byte(UInt8), set(ByteSet) }

    private mutating func appendAtom(_ atom: Atom) throws(PatternError) {
        if let (minimum, maximum) = try parseQuantifier() {
            flushLiteral()
            segments.append(.run(set(of: atom), min: minimum, max: maximum))
            return
        }
        switch atom {
        case .byte(let byte):
            pendingLiteral.append(byte)
        case .set(let set):
            flushLiteral()
            segments.append(.run(folded ? set.caseFolded : set, min: 1, max: 1))
        }
    }

    private func set(of atom: Atom) -> ByteSet {
        switch atom {
        case .byte(let byte): folded ? ByteSet([byte]).caseFolded : ByteSet([byte])
        case .set(let set): folded ? set.caseFolded : set
        }
    }

    private mutating func flushLiteral() {
        guard !pendingLiteral.isEmpty else { return }
        let foldedHere = folded && pendingLiteral.contains(where: \.isASCIILetter)
        segments.append(.literal(pendingLiteral, folded: foldedHere))
        pendingLiteral = []
    }

    /// `(?:a|b|c)` with plain literals only, optionally followed by `?`.
    private mutating func parseGroup() throws(PatternError) {
        guard startsWith("(?:") else { throw error("only non-capturing groups of alternatives, (?:a|b), are supported") }
        index += 3
        var options: [[UInt8]] = [[]]
        while true {
            guard index < bytes.count else { throw error("unclosed group") }
            let byte = bytes[index]
            if byte == UInt8(ascii: ")") { index += 1; break }
            if byte == UInt8(ascii: "|") { options.append([]); index += 1; continue }
            if byte == UInt8(ascii: "\\") {
                guard case .byte(let literal) = try parseEscape() else { throw error("classes are not allowed inside a group") }
                options[options.count - 1].append(literal)
                continue
            }
            if "([{?*+.^$".utf8.contains(byte) { throw error("a group may hold plain alternatives only") }
            options[options.count - 1].append(byte)
            index += 1
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "?") {
            index += 1
            options.append([])
        }
        if index < bytes.count, "{*+".utf8.contains(bytes[index]) { throw error("a group may be followed by ? only") }
        flushLiteral()
        let foldedHere = folded && options.contains { $0.contains(where: \.isASCIILetter) }
        // Longest first, so the matcher tries the most specific alternative before its prefixes.
        segments.append(.choice(options.sorted { $0.count > $1.count }, folded: foldedHere))
    }

    private mutating func parseQuantifier() throws(PatternError) -> (Int, Int)? {
        guard index < bytes.count else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "?"): index += 1; return (0, 1)
        case UInt8(ascii: "*"): index += 1; return (0, Self.maximumRepeat)
        case UInt8(ascii: "+"): index += 1; return (1, Self.maximumRepeat)
        case UInt8(ascii: "{"):
            index += 1
            let minimum = try parseNumber()
            var maximum = minimum
            if index < bytes.count, bytes[index] == UInt8(ascii: ",") {
                index += 1
                maximum = index < bytes.count && bytes[index] == UInt8(ascii: "}") ? Self.maximumRepeat : try parseNumber()
            }
            guard index < bytes.count, bytes[index] == UInt8(ascii: "}") else { throw error("unclosed {…} quantifier") }
            index += 1
            guard minimum <= maximum, maximum <= Self.maximumRepeat else {
                throw error("quantifier bounds must satisfy min <= max <= \(Self.maximumRepeat)")
            }
            return (minimum, maximum)
        default:
            return nil
        }
    }

    private mutating func parseNumber() throws(PatternError) -> Int {
        var value = 0
        var digits = 0
        while index < bytes.count, ByteSet.digits.contains(bytes[index]), digits < 6 {
            value = value * 10 + Int(bytes[index] - UInt8(ascii: "0"))
            index += 1
            digits += 1
        }
        guard digits > 0 else { throw error("expected a number") }
        return value
    }

    /// After `[`: members up to the closing `]`.
    private mutating func parseClassBody() throws(PatternError) -> ByteSet {
        var set = ByteSet()
        var negated = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "^") { negated = true; index += 1 }
        var first = true
        while true {
            guard index < bytes.count else { throw error("unclosed character class") }
            var byte = bytes[index]
            if byte == UInt8(ascii: "]") && !first { index += 1; break }
            first = false
            if byte == UInt8(ascii: "\\") {
                switch try parseEscape() {
                case .set(let escaped): set.formUnion(escaped); continue
                case .byte(let literal): byte = literal
                }
            } else {
                index += 1
            }
            // a range a-z, unless '-' is last
            if index + 1 < bytes.count, bytes[index] == UInt8(ascii: "-"), bytes[index + 1] != UInt8(ascii: "]") {
                index += 1
                var upper = bytes[index]
                if upper == UInt8(ascii: "\\") {
                    guard case .byte(let literal) = try parseEscape() else { throw error("a class cannot end a range") }
                    upper = literal
                } else {
                    index += 1
                }
                guard byte <= upper else { throw error("range out of order") }
                for member in byte...upper { set.insert(member) }
            } else {
                set.insert(byte)
            }
        }
        return negated ? set.inverted : set
    }

    private mutating func parseEscape() throws(PatternError) -> Atom {
        index += 1
        guard index < bytes.count else { throw error("pattern ends with a backslash") }
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "d"): return .set(.digits)
        case UInt8(ascii: "w"): return .set(.word)
        case UInt8(ascii: "s"): return .set(.space)
        case UInt8(ascii: "n"): return .byte(0x0A)
        case UInt8(ascii: "r"): return .byte(0x0D)
        case UInt8(ascii: "t"): return .byte(0x09)
        case UInt8(ascii: "x"):
            guard index + 2 <= bytes.count, let value = UInt8(String(decoding: bytes[index..<(index + 2)], as: UTF8.self), radix: 16) else {
                throw error("\\x needs two hex digits")
            }
            index += 2
            return .byte(value)
        case _ where ByteSet.alphanumerics.contains(byte):
            throw error("unsupported escape \\\(Character(UnicodeScalar(byte)))")
        default:
            return .byte(byte)
        }
    }

    private func startsWith(_ text: String) -> Bool {
        let needle = Array(text.utf8)
        return bytes.count - index >= needle.count && Array(bytes[index..<(index + needle.count)]) == needle
    }

    private func error(_ message: String) -> PatternError {
        PatternError(message: message, offset: index)
    }
}

/// Why a token pattern could not be compiled, and where.
public struct PatternError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var offset: Int
    public var description: String { "\(message) (at offset \(offset))" }
}
