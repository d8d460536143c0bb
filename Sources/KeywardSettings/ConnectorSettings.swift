import Foundation
import KeywardCore

/// The `connectors` setting: a YAML list of mappings in the file (JSON in `--connectors` or
/// `KEYWARD_CONNECTORS`), each read into a ``KeywardCore/ConnectorDeclaration``. Every item is
/// checked whole; a problem names the item (and, from a file, its line) and the member.
enum ConnectorSettings {
    static let members: Set<String> = ["name", "kind", "endpoint", "region", "credentials", "account", "profile", "sync_interval", "actions"]
    /// Scheduled syncs: at least a minute apart, at most a week.
    static let intervalRange: ClosedRange<Int64> = 60...(7 * 86_400)

    static let row = Setting.custom(
        "connectors", kind: .structured("list of connectors: {name, kind, endpoint?, region?, credentials: env|file:PATH, account?, profile?, sync_interval?, actions?}"),
        help: "Live provider connectors (aws-iam, github, gcp-iam, openai, anthropic): where keyward reads external keys and may deactivate them; see docs/governance.md, Connectors.",
        assign: { configuration, text throws(SettingValueError) in configuration.connectors = try parse(text) },
        read: { configuration in .array(configuration.connectors.map(render)) })

    static func parse(_ text: String) throws(SettingValueError) -> [ConnectorDeclaration] {
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        } catch {
            throw SettingValueError("must be a list of connectors (in a flag or variable: a JSON array of objects)")
        }
        guard case .array(let items) = value else { throw SettingValueError("must be a list of connectors") }
        var declarations: [ConnectorDeclaration] = []
        var names: Set<String> = []
        for (index, item) in items.enumerated() {
            let declaration = try declaration(item, index: index)
            guard names.insert(declaration.name).inserted else {
                throw SettingValueError("connector \(index + 1): name \(declaration.name.quoted) is used by another connector", item: index)
            }
            declarations.append(declaration)
        }
        return declarations
    }

    private static func declaration(_ item: JSONValue, index: Int) throws(SettingValueError) -> ConnectorDeclaration {
        func problem(_ message: String) -> SettingValueError { SettingValueError("connector \(index + 1): \(message)", item: index) }
        guard case .object(let members) = item else { throw problem("must be a mapping of name, kind, credentials…") }
        if let unknown = members.keys.sorted().first(where: { !Self.members.contains($0) }) {
            throw problem("unknown member \(unknown.quoted)\(Suggestion.phrase(for: unknown, among: Self.members.sorted()))")
        }
        func text(_ member: String) throws(SettingValueError) -> String? {
            switch members[member] {
            case nil, .null?: return nil
            case .string(let value)?: return value.trimmed.isEmpty ? nil : value.trimmed
            case .number(let value)?: return Setting.Kind.format(value)
            default: throw problem("\(member) must be text")
            }
        }
        guard let name = try text("name") else { throw problem("name is missing") }
        guard ConnectorDeclaration.isValidName(name) else { throw problem("name \(name.quoted) must be 1-64 lower-case letters, digits, - or _") }
        guard let kindText = try text("kind") else { throw problem("\(name): kind is missing (one of \(ConnectorKind.allCases.map(\.rawValue).joined(separator: ", ")))") }
        guard let kind = ConnectorKind(rawValue: kindText) else {
            throw problem("\(name): kind \(kindText.quoted) is not one of \(ConnectorKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let credentialsText = try text("credentials") else { throw problem("\(name): credentials is missing (env or file:PATH)") }
        guard let credentials = ConnectorCredentialSource(parsing: credentialsText) else {
            throw problem("\(name): credentials must be env or file:PATH, got \(String(credentialsText.prefix(5)).quoted)…")
        }
        let endpoint = try text("endpoint")
        if let endpoint {
            guard let url = URL(string: endpoint), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil,
                  url.user == nil, url.password == nil, url.query == nil, url.fragment == nil else {
                throw problem("\(name): endpoint must be an http(s) URL without user, query or fragment, got \(endpoint.quoted)")
            }
        }
        var interval: Int64?
        if let intervalText = try text("sync_interval") {
            guard let seconds = duration(intervalText), intervalRange.contains(seconds) else {
                throw problem("\(name): sync_interval must be seconds or a duration (15m, 6h, 1d) from 60 seconds to 7 days, got \(intervalText.quoted)")
            }
            interval = seconds
        }
        var actions: Set<RemediationAction> = []
        switch members["actions"] {
        case nil, .null?: break
        case .array(let values)?:
            for value in values {
                guard case .string(let text) = value, let action = RemediationAction(rawValue: text.trimmed) else {
                    throw problem("\(name): actions may list deactivate and delete")
                }
                actions.insert(action)
            }
        case .string(let list)?:
            for text in list.split(separator: ",") {
                guard let action = RemediationAction(rawValue: String(text).trimmed) else { throw problem("\(name): actions may list deactivate and delete") }
                actions.insert(action)
            }
        default: throw problem("\(name): actions must be a list (deactivate, delete)")
        }
        if kind == .github, try text("account") == nil { throw problem("\(name): a github connector needs account (the organisation)") }
        return ConnectorDeclaration(name: name, kind: kind, endpoint: endpoint, region: try text("region"), credentials: credentials,
                                    account: try text("account"), profile: try text("profile"), syncIntervalSeconds: interval, actions: actions)
    }

    /// `900`, `90s`, `15m`, `6h`, `1d`.
    static func duration(_ text: String) -> Int64? {
        if let seconds = Int64(text) { return seconds }
        guard let unit = text.last, let number = Int64(text.dropLast()), number >= 0 else { return nil }
        switch unit {
        case "s": return number
        case "m": return number * 60
        case "h": return number * 3600
        case "d": return number * 86_400
        default: return nil
        }
    }

    /// What `config show` prints: the declaration as written. Credentials are only ever `env` or
    /// `file:PATH` — a credential's value is never part of the configuration.
    static func render(_ declaration: ConnectorDeclaration) -> JSONValue {
        var object: [String: JSONValue] = [
            "name": .string(declaration.name), "kind": .string(declaration.kind.rawValue),
            "credentials": .string(declaration.credentials.description),
            "actions": .array(declaration.actions.sorted().map { .string($0.rawValue) }),
        ]
        if let endpoint = declaration.endpoint { object["endpoint"] = .string(endpoint) }
        if let region = declaration.region { object["region"] = .string(region) }
        if let account = declaration.account { object["account"] = .string(account) }
        if let profile = declaration.profile { object["profile"] = .string(profile) }
        if let interval = declaration.syncIntervalSeconds { object["sync_interval"] = .number(Double(interval)) }
        return .object(object)
    }
}
