import Yams

/// A YAML node with the path that led to it, so every error can name file, line and field.
struct PolicyNode {
    let node: Node
    let path: String
    let file: String

    func error(_ message: String, at mark: Mark? = nil) -> PolicyError {
        let mark = mark ?? node.mark
        return PolicyError(file: file, line: mark?.line, column: mark?.column, field: path.isEmpty ? nil : path, message: message)
    }

    func child(_ node: Node, _ component: String) -> PolicyNode {
        PolicyNode(node: node, path: path.isEmpty ? component : "\(path).\(component)", file: file)
    }

    /// The members of a mapping, in file order, rejecting keys outside `allowed` so that a typo
    /// (`treshold`) is an error instead of a silently ignored setting.
    func members(allowed: Set<String>) throws -> [(String, PolicyNode)] {
        guard case .mapping(let mapping) = node else { throw error("expected a mapping of settings") }
        var result: [(String, PolicyNode)] = []
        for (key, value) in mapping {
            guard let name = key.scalar?.string else { throw error("setting names must be plain text", at: key.mark) }
            guard allowed.contains(name) else {
                throw child(key, name).error("unknown setting; expected one of \(allowed.sorted().joined(separator: ", "))", at: key.mark)
            }
            result.append((name, child(value, name)))
        }
        return result
    }

    func elements() throws -> [PolicyNode] {
        guard case .sequence(let sequence) = node else { throw error("expected a list") }
        return sequence.enumerated().map { index, element in
            PolicyNode(node: element, path: "\(path)[\(index)]", file: file)
        }
    }

    func string() throws -> String {
        guard case .scalar(let scalar) = node, !scalar.string.isEmpty else { throw error("expected text") }
        return scalar.string
    }

    /// A single string or a list of strings, as selectors accept both `provider: aws` and
    /// `provider: [aws, gcp]`.
    func strings() throws -> [String] {
        if case .scalar = node { return [try string()] }
        return try elements().map { try $0.string() }
    }

    func bool() throws -> Bool {
        switch try string().lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error("expected true or false")
        }
    }

    func integer() throws -> Int {
        guard let value = Int(try string()), value >= 0 else { throw error("expected a whole number ≥ 0") }
        return value
    }

    /// `90d`, `2w` or ISO 8601 `P90D` → whole days.
    func days() throws -> Int64 {
        let text = try string()
        let bad = error("bad duration \"\(text.prefix(30))\": use a whole number of days or weeks such as 90d, 2w or P90D")
        var digits = Substring(text)
        let unit: Int64
        if digits.hasPrefix("P") && digits.hasSuffix("D") {
            digits = digits.dropFirst().dropLast()
            unit = 1
        } else if digits.hasSuffix("d") {
            digits = digits.dropLast()
            unit = 1
        } else if digits.hasSuffix("w") {
            digits = digits.dropLast()
            unit = 7
        } else {
            throw bad
        }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber), let value = Int64(digits), value > 0, value < 100_000
        else { throw bad }
        return value * unit
    }
}
