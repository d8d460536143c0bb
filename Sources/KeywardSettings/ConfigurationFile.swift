import Foundation
import KeywardCore
import Yams

/// A YAML configuration file, flattened to `file key → value` with the line of every value.
///
/// Nested mappings become dotted keys (`anomalies:` / `  spike_factor: 5` is
/// `anomalies.spike_factor`); a list becomes a comma-separated value for list settings. Keys that
/// are not settings and values of the wrong shape are kept as ``problems``, which
/// ``ConfigurationLoader`` reports with the problems of the values, so that one run of
/// `keyward config check` shows everything to fix.
public struct ConfigurationFile: Sendable {
    public struct Entry: Sendable, Equatable {
        public var value: String
        public var line: Int
        /// For a structured setting's list: the line of each item.
        public var itemLines: [Int] = []
    }

    public let path: String
    public private(set) var entries: [String: Entry] = [:]
    /// Keys that are not settings or values of the wrong shape, each with its line. (A key given
    /// twice is refused by the YAML parser itself.)
    public private(set) var problems: [ConfigurationError.Problem] = []

    /// Reads the file at `path`; throws only when it cannot be read or is not a YAML mapping.
    public init(path: String) throws(ConfigurationError) {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigurationError([.init(setting: nil, origin: nil, message: "cannot read configuration file \(path)")])
        }
        try self.init(path: path, text: text)
    }

    /// Checks `text` as the contents of the file at `path`.
    public init(path: String, text: String) throws(ConfigurationError) {
        self.path = path
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw ConfigurationError([.init(setting: nil, origin: nil, message: "\(path) is not valid YAML: \(error)")])
        }
        guard let root else { return }  // an empty file sets nothing
        guard case .mapping(let mapping) = root else {
            throw ConfigurationError([.init(setting: nil, origin: .file(path: path, line: root.mark?.line ?? 1),
                                            message: "a configuration file must be a mapping of settings (`port: 8080`)")])
        }
        var problems: [ConfigurationError.Problem] = []
        flatten(mapping, prefix: "", problems: &problems)
        self.problems = problems
    }

    /// A YAML node as JSON: mappings and sequences kept, every scalar as text (the setting's
    /// parser reads numbers from text, as it does from a flag).
    static func json(_ node: Node) -> JSONValue {
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain, ["", "~", "null", "Null", "NULL"].contains(scalar.string) { return .null }
            return .string(scalar.string)
        case .sequence(let sequence): return .array(sequence.map(json))
        case .mapping(let mapping):
            var object: [String: JSONValue] = [:]
            for (key, value) in mapping { object[key.string ?? ""] = json(value) }
            return .object(object)
        case .alias: return .null
        }
    }

    private mutating func flatten(_ mapping: Node.Mapping, prefix: String, problems: inout [ConfigurationError.Problem]) {
        let settings = KeywardConfiguration.settings
        for (keyNode, valueNode) in mapping {
            let line = keyNode.mark?.line ?? 0
            let origin = ConfigurationOrigin.file(path: path, line: line)
            guard let name = keyNode.string else {
                problems.append(.init(setting: nil, origin: origin, message: "a setting's name must be text"))
                continue
            }
            let key = prefix + name
            let setting = settings.first { $0.fileKey == key }
            switch valueNode {
            case .mapping(let nested) where setting == nil && settings.contains(where: { $0.fileKey.hasPrefix(key + ".") }):
                flatten(nested, prefix: key + ".", problems: &problems)
            case _ where setting == nil:
                let known = settings.map(\.fileKey)
                problems.append(.init(setting: nil, origin: origin, message: "unknown setting '\(key)'\(Suggestion.phrase(for: key, among: known))"))
            case .scalar(let scalar):
                // `port:` with no value, or `~`, leaves the setting at its default.
                if scalar.style == .plain, ["", "~", "null", "Null", "NULL"].contains(scalar.string) { continue }
                entries[key] = Entry(value: scalar.string, line: valueNode.mark?.line ?? line)
            case .sequence(let sequence) where setting.map({ if case .structured = $0.kind { true } else { false } }) ?? false:
                // A list of mappings (`connectors:`) is handed on as JSON, each item's line kept.
                entries[key] = Entry(value: Self.json(valueNode).canonicalJSON, line: line,
                                     itemLines: sequence.map { $0.mark?.line ?? line })
            case .sequence(let sequence) where setting?.kind == .list:
                let items = sequence.compactMap(\.string)
                guard items.count == sequence.count else {
                    problems.append(.init(setting: key, origin: origin, message: "must be a list of plain values"))
                    continue
                }
                entries[key] = Entry(value: items.joined(separator: ","), line: valueNode.mark?.line ?? line)
            case .sequence:
                problems.append(.init(setting: key, origin: origin, message: "takes one value (\(setting!.kind.summary)), not a list"))
            case .mapping:
                problems.append(.init(setting: key, origin: origin, message: "takes one value (\(setting!.kind.summary)), not a mapping"))
            case .alias:
                problems.append(.init(setting: key, origin: origin, message: "must be written out, not a YAML alias"))
            }
        }
    }
}
