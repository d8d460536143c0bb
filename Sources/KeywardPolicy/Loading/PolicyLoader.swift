import Foundation
import KeywardCore
import Yams

/// Reads a YAML policy file into a ``Policy``, or fails with a ``PolicyError`` naming file,
/// line and field. Nothing is returned for a policy with any error. The format is documented in
/// docs/governance.md; ``DefaultPolicy/yaml`` is a complete example.
public enum PolicyLoader {
    public static func load(file path: String) throws -> Policy {
        try parse(try text(ofFile: path), file: path)
    }

    /// The file's text, or a ``PolicyError`` naming the file (for callers that keep the text).
    public static func text(ofFile path: String) throws -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw PolicyError(file: path, line: nil, column: nil, field: nil, message: "cannot read the file: \(error.localizedDescription)")
        }
    }

    public static func parse(_ text: String, file: String) throws -> Policy {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw PolicyError(file: file, line: 1, column: nil, field: nil, message: "the policy is empty")
            }
            root = node
        } catch let error as PolicyError {
            throw error
        } catch let error as YamlError {
            throw yamlError(error, file: file)
        }
        let top = PolicyNode(node: root, path: "", file: file)
        var name = "policy"
        var rules: [PolicyRule] = []
        var exceptions: [PolicyException] = []
        var exceptionNodes: [PolicyNode] = []
        var sawRules = false
        for (key, value) in try top.members(allowed: ["version", "name", "rules", "exceptions"]) {
            switch key {
            case "version":
                guard try value.string() == "1" else { throw value.error("only version 1 is known") }
            case "name":
                name = try value.string()
            case "rules":
                sawRules = true
                rules = try value.elements().map(RuleReader.read)
            default:
                exceptionNodes = try value.elements()
            }
        }
        guard sawRules else { throw top.error("a policy needs a rules: list") }
        var seen: [String: String] = [:]
        for (index, rule) in rules.enumerated() {
            if let first = seen[rule.id] {
                throw PolicyError(file: file, line: nil, column: nil, field: "rules[\(index)].id", message: "rule id \"\(rule.id)\" is already used by \(first)")
            }
            seen[rule.id] = "rules[\(index)]"
        }
        exceptions = try exceptionNodes.map { try ExceptionReader.read($0, ruleIDs: Set(seen.keys)) }
        return Policy(name: name, rules: rules, exceptions: exceptions)
    }

    private static func yamlError(_ error: YamlError, file: String) -> PolicyError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return PolicyError(file: file, line: mark.line, column: mark.column, field: nil, message: "not valid YAML: \(problem)")
        default:
            return PolicyError(file: file, line: nil, column: nil, field: nil, message: "not valid YAML: \(error)")
        }
    }
}
