/// The rules a scan runs, compiled once: the rules themselves, the prefilter over all their
/// literals, and the allow-list.
public struct RuleSet: Sendable {
    public let rules: [CompiledRule]
    public let allowlist: Allowlist
    let prefilter: Prefilter
    /// For each rule, the indices of `nearby` rules that look around its findings.
    let companions: [[Int]]

    /// Compiles the bundled rules, then each user file in order: a user rule with a bundled id
    /// replaces it (or removes it, with `"disabled": true`); new ids are added.
    public static func load(userFiles: [String] = [], bundled: Bool = true) throws -> RuleSet {
        var files = bundled ? [try RuleFile.bundled()] : []
        for path in userFiles { files.append(try RuleFile.load(path: path)) }
        return try RuleSet(files: files)
    }

    public init(files: [RuleFile]) throws(RuleError) {
        var definitions: [RuleDefinition] = []
        var allowlist = AllowlistDefinition()
        for (index, file) in files.enumerated() {
            if index > 0, file.extendsDefault == false { definitions = [] }
            if let extra = file.allowlist { allowlist.merge(extra) }
            var inThisFile = Set<String>()
            for rule in file.rules {
                guard inThisFile.insert(rule.id).inserted else { throw RuleError.invalid("rule id \(rule.id) appears twice in one file") }
                if let existing = definitions.firstIndex(where: { $0.id == rule.id }) {
                    if rule.disabled == true { definitions.remove(at: existing) } else { definitions[existing] = rule }
                } else if rule.disabled != true {
                    definitions.append(rule)
                }
            }
        }
        let disabled = Set(allowlist.rules ?? [])
        definitions.removeAll { disabled.contains($0.id) }
        try self.init(definitions: definitions, allowlist: allowlist)
    }

    public init(definitions: [RuleDefinition], allowlist: AllowlistDefinition = AllowlistDefinition()) throws(RuleError) {
        var seen = Set<String>()
        for definition in definitions where !seen.insert(definition.id).inserted {
            throw RuleError.invalid("rule id \(definition.id) appears twice")
        }
        var compiled: [CompiledRule] = []
        for definition in definitions { compiled.append(try CompiledRule(definition)) }
        var companions = [[Int]](repeating: [], count: compiled.count)
        for (index, rule) in compiled.enumerated() {
            guard case .nearby(let nearby) = rule.matcher else { continue }
            guard let target = compiled.firstIndex(where: { $0.id == nearby.nearRule }) else {
                throw RuleError.invalid("rule \(rule.id): \"near\" names no rule: \(nearby.nearRule)")
            }
            companions[target].append(index)
        }
        var literals: [Prefilter.Literal] = []
        for (index, rule) in compiled.enumerated() {
            for literal in rule.prefilterLiterals {
                guard !literal.bytes.isEmpty, literal.bytes.count <= Prefilter.maximumLiteralLength else {
                    throw RuleError.invalid("rule \(rule.id): keywords and anchors must be 1...\(Prefilter.maximumLiteralLength) bytes")
                }
                literals.append(Prefilter.Literal(bytes: literal.bytes, folded: literal.folded, target: .init(rule: Int32(index), variant: Int32(literal.variant))))
            }
        }
        self.rules = compiled
        self.companions = companions
        self.allowlist = try Allowlist(allowlist)
        self.prefilter = try Prefilter(literals)
    }

    public func rule(id: String) -> CompiledRule? { rules.first { $0.id == id } }
}
