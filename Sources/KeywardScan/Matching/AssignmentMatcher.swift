/// Finds `name = value` credentials whose format no specific rule knows.
///
/// Starting from a keyword hit (`token`, `secret`, `passw`, …) it takes the whole identifier
/// around the hit, an assignment operator in any of the usual syntaxes (`=`, `:`, `:=`, `=>`,
/// `?=`, `.=`, `,` in a call, `>` in XML), and a value that looks random. Whether the *name*
/// is about a secret is decided on its words, not its substrings, so `accessor`, `keyboard`,
/// `secret_name` and `public_token` are not secrets while `mySecretString` and `user_auth` are.
final class AssignmentMatcher: Sendable {
    private let secretWords: Set<String>
    private let lastWords: Set<String>
    private let keyQualifiers: Set<String>
    private let denyLastWords: Set<String>
    private let denyQualifiers: Set<String>
    private let denyWords: Set<String>
    private let valueDenyPrefixes: [[UInt8]]
    private let stopwords: [[UInt8]]
    private let minLength: Int
    private let maxLength: Int
    private let requireDigit: Bool
    /// The rule's entropy threshold, checked here too so that names are split into words only
    /// for values that could be secrets.
    private let minimumEntropy: Double

    // Byte classes are instance properties, not statics: a static is reached through a lazy
    // initialisation check on every use, and these are used on every keyword hit.
    private let nameBytes = ByteSet.word.union(ByteSet([UInt8(ascii: "."), UInt8(ascii: "-")]))
    private let fillerBytes = ByteSet.word.union(ByteSet(Array(".- \t".utf8)))
    private let quoteOrSpace = ByteSet.space.union(ByteSet(Array("'\"".utf8)))
    private let openers = ByteSet.space.union(ByteSet(Array("'\"`=".utf8)))
    private let plainValue = ByteSet.word.union(ByteSet(Array(".=-".utf8)))
    private let base64Value = ByteSet.alphanumerics.union(ByteSet(Array("+/".utf8)))
    private let terminators = ByteSet.space.union(ByteSet(Array("'\"`;".utf8)))
    private let operators: [[UInt8]] = [":::=", "::=", ":=", "=>", "?=", "||", "=", ":", ",", ">"].map { Array($0.utf8) }
    static let maximumNameLength = 64

    init(_ options: AssignmentOptions, minimumEntropy: Double? = nil) {
        self.minimumEntropy = minimumEntropy ?? 0
        func set(_ words: [String]) -> Set<String> { Set(words.map { $0.lowercased() }) }
        secretWords = set(options.secretWords)
        lastWords = set(options.lastWords)
        keyQualifiers = set(options.keyQualifiers)
        denyLastWords = set(options.denyLastWords)
        denyQualifiers = set(options.denyQualifiers)
        denyWords = set(options.denyWords)
        valueDenyPrefixes = options.valueDenyPrefixes.map { Array($0.lowercased().utf8) }
        stopwords = options.stopwords.map { Array($0.lowercased().utf8) }
        minLength = options.minLength
        maxLength = options.maxLength
        requireDigit = options.requireDigit
    }

    struct Match {
        var name: Range<Int>
        var value: Range<Int>
    }

    /// `lastName` carries the start of the name handled last, so that a name holding two
    /// keywords (`secret_token`) is examined once.
    func match(_ buffer: UnsafeRawBufferPointer, keywordStart: Int, keywordEnd: Int, lastName: inout Int) -> Match? {
        var nameStart = keywordStart
        while nameStart > 0, keywordStart - nameStart < Self.maximumNameLength, nameBytes.contains(buffer[nameStart - 1]) { nameStart -= 1 }
        guard nameStart != lastName else { return nil }
        lastName = nameStart
        var nameEnd = keywordEnd
        while nameEnd < buffer.count, nameEnd - keywordEnd < Self.maximumNameLength, nameBytes.contains(buffer[nameEnd]) { nameEnd += 1 }
        guard let valueStart = operatorAndOpening(buffer, after: nameEnd),
              let valueEnd = value(buffer, at: valueStart)
        else { return nil }
        let value = UnsafeRawBufferPointer(rebasing: buffer[valueStart..<valueEnd])
        guard plausibleValue(value), Entropy.shannon(value) >= minimumEntropy,
              isSecretName(UnsafeRawBufferPointer(rebasing: buffer[nameStart..<nameEnd]))
        else { return nil }
        return Match(name: nameStart..<nameEnd, value: valueStart..<valueEnd)
    }

    /// Skips a type or modifier (`var token string =`), closing quotes, the operator, and opening
    /// quotes or spaces; returns where the value starts.
    private func operatorAndOpening(_ buffer: UnsafeRawBufferPointer, after nameEnd: Int) -> Int? {
        var position = nameEnd
        var skipped = 0
        while position < buffer.count, skipped < 20, fillerBytes.contains(buffer[position]) { position += 1; skipped += 1 }
        skipped = 0
        while position < buffer.count, skipped < 3, quoteOrSpace.contains(buffer[position]) { position += 1; skipped += 1 }
        guard let op = operators.first(where: { TokenPattern.equal(buffer, at: position, $0, folded: false) }) else { return nil }
        position += op.count
        skipped = 0
        while position < buffer.count, skipped < 5, openers.contains(buffer[position]) { position += 1; skipped += 1 }
        return position
    }

    /// The end of a plausible value starting at `start`: `[\w.=-]{min,max}` or base64, then a terminator.
    private func value(_ buffer: UnsafeRawBufferPointer, at start: Int) -> Int? {
        var end = start
        while end < buffer.count, end - start <= maxLength, plainValue.contains(buffer[end]) { end += 1 }
        if end - start >= minLength, end - start <= maxLength, terminates(buffer, at: end) { return end }
        guard start < buffer.count, ByteSet.alphanumerics.contains(buffer[start]) else { return nil }
        end = start + 1
        while end < buffer.count, end - start <= maxLength, base64Value.contains(buffer[end]) { end += 1 }
        var padding = 0
        while end < buffer.count, padding < 3, buffer[end] == UInt8(ascii: "=") { end += 1; padding += 1 }
        guard end - start >= max(minLength, 12), end - start <= maxLength, terminates(buffer, at: end) else { return nil }
        return end
    }

    private func terminates(_ buffer: UnsafeRawBufferPointer, at position: Int) -> Bool {
        guard position < buffer.count else { return true }
        let byte = buffer[position]
        if terminators.contains(byte) { return true }
        if byte == UInt8(ascii: "\\"), position + 1 < buffer.count {
            let next = buffer[position + 1]
            return next == UInt8(ascii: "n") || next == UInt8(ascii: "r")
        }
        return false
    }

    private func plausibleValue(_ value: UnsafeRawBufferPointer) -> Bool {
        if requireDigit, !value.contains(where: { ByteSet.digits.contains($0) }) { return false }
        if Self.isCodeReference(value) { return false }
        for prefix in valueDenyPrefixes where prefix.count <= value.count {
            if zip(prefix, value).allSatisfy({ $0 == $1.asciiLowercased }) { return false }
        }
        for word in stopwords where Self.containsFolded(value, word) { return false }
        return true
    }

    /// True for values that are code, not data: a dotted reference whose parts are identifiers
    /// (`P384.Signing.PrivateKey`, `self.token`) or a snake-case constant whose parts are words
    /// (`CBS_ASN1_CONSTRUCTED`). Random secrets seldom contain a dot or several underscores,
    /// and their parts would not start with letters or consist of letters.
    static func isCodeReference(_ value: UnsafeRawBufferPointer) -> Bool {
        let identifier = ByteSet.word
        guard value.allSatisfy({ identifier.contains($0) || $0 == UInt8(ascii: ".") }) else { return false }
        let dotted = value.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        if dotted.count >= 2 {
            return dotted.allSatisfy { part in
                guard let first = part.first else { return false }
                return ByteSet.letters.contains(first) || first == UInt8(ascii: "_")
            }
        }
        let snake = value.split(separator: UInt8(ascii: "_"), omittingEmptySubsequences: true)
        guard snake.count >= 2 else { return isTypeName(value) }
        // Each part: letters, then at most a few digits (ASN1, AARCH64, V2).
        return snake.allSatisfy { part in
            let letters = part.prefix { ByteSet.letters.contains($0) }
            let digits = part.dropFirst(letters.count)
            return letters.count >= 2 && digits.count <= 3 && digits.allSatisfy { ByteSet.digits.contains($0) }
        }
    }

    /// A camel-case identifier made of long words (`ASN1ObjectIdentifier`): the average word is
    /// 5.5 letters or more, which random strings of the same length almost never reach (their
    /// case changes cut them into one- and two-letter pieces).
    static func isTypeName(_ value: UnsafeRawBufferPointer) -> Bool {
        guard let first = value.first, ByteSet.letters.contains(first), value.allSatisfy({ ByteSet.alphanumerics.contains($0) }) else { return false }
        var words = 0
        var letters = 0
        var index = value.startIndex
        while index < value.endIndex {
            let byte = value[index]
            guard ByteSet.letters.contains(byte) else { index += 1; continue }
            var end = index + 1
            if ByteSet.uppercase.contains(byte) {
                while end < value.endIndex, ByteSet.uppercase.contains(value[end]) { end += 1 }
                // An acronym followed by a lowercase word gives its last capital to that word.
                if end < value.endIndex, ByteSet.lowercase.contains(value[end]), end - index > 1 { end -= 1 }
                else { while end < value.endIndex, ByteSet.lowercase.contains(value[end]) { end += 1 } }
            } else {
                while end < value.endIndex, ByteSet.lowercase.contains(value[end]) { end += 1 }
            }
            words += 1
            letters += end - index
            index = end
        }
        return words >= 2 && Double(letters) / Double(words) >= 5.5
    }

    static func containsFolded(_ haystack: UnsafeRawBufferPointer, _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= haystack.count else { return false }
        for start in 0...(haystack.count - needle.count) {
            var offset = 0
            while offset < needle.count, haystack[start + offset].asciiLowercased == needle[offset] { offset += 1 }
            if offset == needle.count { return true }
        }
        return false
    }

    func isSecretName(_ name: UnsafeRawBufferPointer) -> Bool {
        var words = Self.words(of: name)
        while let last = words.last, last.allSatisfy(\.isNumber) { words.removeLast() }
        guard let last = words.last else { return false }
        if words.contains(where: denyWords.contains) { return false }
        if lastWords.contains(last), words.count == 1 || !denyQualifiers.contains(words[words.count - 2]) { return true }
        if last == "key" || last == "keys" {
            return words.count >= 2 && keyQualifiers.contains(words[words.count - 2])
        }
        guard !denyLastWords.contains(last) else { return false }
        for (index, word) in words.enumerated() where secretWords.contains(word) {
            if index > 0, denyQualifiers.contains(words[index - 1]) { continue }
            return true
        }
        return false
    }

    /// Lowercase words of an identifier: split at non-alphanumerics and at camelCase humps
    /// (`APIKeyValue` → `api`, `key`, `value`).
    static func words(of name: UnsafeRawBufferPointer) -> [String] {
        var words: [String] = []
        var current: [UInt8] = []
        func flush() {
            if !current.isEmpty { words.append(String(decoding: current, as: UTF8.self)) }
            current.removeAll(keepingCapacity: true)
        }
        for index in name.indices {
            let byte = name[index]
            guard ByteSet.alphanumerics.contains(byte) else { flush(); continue }
            if ByteSet.uppercase.contains(byte), let previous = index > name.startIndex ? name[index - 1] : nil {
                let nextIsLower = index + 1 < name.endIndex && ByteSet.lowercase.contains(name[index + 1])
                if ByteSet.lowercase.contains(previous) || ByteSet.digits.contains(previous)
                    || (ByteSet.uppercase.contains(previous) && nextIsLower) {
                    flush()
                }
            }
            current.append(byte.asciiLowercased)
        }
        flush()
        return words
    }
}
