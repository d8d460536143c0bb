import Foundation

/// Rejects keys a rules file does not define. JSON decoding ignores unknown keys, which would
/// turn a typo (`min_entorpy`) into a rule that silently behaves differently than written.
enum RuleFileKeys {
    static let top: Set<String> = ["version", "extends_default", "allowlist", "rules"]
    static let allowlist: Set<String> = ["paths", "file_names", "rules", "fingerprints", "regexes", "stopwords"]
    static let rule: Set<String> = [
        "id", "description", "provider", "credential", "paths", "kind", "patterns", "anchor", "keywords", "regex", "secret_group", "named_value", "near",
        "window", "boundary", "checksum", "checksum_required", "min_entropy", "confidence", "severity", "inventory",
        "generic", "reject", "allow_secrets", "assignment", "example_path", "true_examples", "false_examples", "disabled",
    ]
    static let assignment: Set<String> = [
        "secret_words", "last_words", "key_qualifiers", "deny_last_words", "deny_qualifiers", "deny_words",
        "value_deny_prefixes", "stopwords", "min_length", "max_length", "require_digit",
    ]

    static func check(_ data: Data) throws {
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw RuleError.invalid("a rules file is a JSON object with a \"rules\" array")
        }
        try unknown(in: root, allowed: top, at: "the file")
        if let list = root["allowlist"] as? [String: Any] { try unknown(in: list, allowed: allowlist, at: "allowlist") }
        for (index, element) in ((root["rules"] as? [Any]) ?? []).enumerated() {
            guard let rule = element as? [String: Any] else { throw RuleError.invalid("rules[\(index)] is not an object") }
            let name = (rule["id"] as? String).map { "rule \($0)" } ?? "rules[\(index)]"
            try unknown(in: rule, allowed: self.rule, at: name)
            if let options = rule["assignment"] as? [String: Any] { try unknown(in: options, allowed: assignment, at: "\(name).assignment") }
        }
    }

    private static func unknown(in object: [String: Any], allowed: Set<String>, at place: String) throws {
        if let key = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw RuleError.invalid("unknown key \"\(key)\" in \(place)")
        }
    }

    static func path(_ codingPath: [any CodingKey]) -> String {
        codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
    }
}
