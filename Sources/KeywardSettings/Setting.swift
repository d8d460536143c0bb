import KeywardCore

/// One row of the settings table: a setting's name, the three ways to reach it, what values it
/// takes, and how it reads and writes a ``KeywardConfiguration``.
///
/// Every setting is reachable as a flag (`--webhook-timeout-ms 2000`), an environment variable
/// (`KEYWARD_WEBHOOK_TIMEOUT_MS=2000`) and a key of the configuration file
/// (`webhook_timeout_ms: 2000`); a dotted name (`anomalies.spike_factor`) is a nested mapping in
/// the file. The names follow from ``name`` unless a row says otherwise, which only rows older than
/// the table do (`github_keys_file` is `--github-keys`).
///
/// Rows are made by the typed constructors in `Setting+Kinds.swift`, which turn a key path and a
/// range into the parser, the range check and the renderer, so the table itself is data.
public struct Setting: Sendable {
    /// The setting's name, as `keyward config show` prints it and the file spells it.
    public let name: String
    /// The long flag, with its dashes.
    public let flag: String
    /// The environment variable.
    public let variable: String
    /// The key in the configuration file; dots separate nested mappings.
    public var fileKey: String { name }
    /// What values it takes.
    public let kind: Kind
    public let help: String
    /// A secret's value is never printed: `config show` says `<redacted>`.
    public let isSecret: Bool
    /// Parses a value and writes it into a configuration; throws the reason a value is refused.
    let assign: @Sendable (inout KeywardConfiguration, String) throws(SettingValueError) -> Void
    /// The value a configuration holds, for `config show` and the documented default.
    let read: @Sendable (KeywardConfiguration) -> JSONValue

    init(name: String, flag: String? = nil, variable: String? = nil, kind: Kind, help: String, isSecret: Bool = false,
         assign: @escaping @Sendable (inout KeywardConfiguration, String) throws(SettingValueError) -> Void,
         read: @escaping @Sendable (KeywardConfiguration) -> JSONValue) {
        self.name = name
        self.flag = flag ?? "--" + name.replacingAll(["_", "."], with: "-")
        self.variable = variable ?? "KEYWARD_" + name.replacingAll(["."], with: "_").uppercased()
        self.kind = kind
        self.help = help
        self.isSecret = isSecret
        self.assign = assign
        self.read = read
    }

    /// The value `configuration` holds, redacted when the setting is a secret.
    public func value(in configuration: KeywardConfiguration) -> JSONValue {
        let value = read(configuration)
        guard isSecret, value != .null else { return value }
        return .string("<redacted>")
    }

    /// Parses `text` into `configuration`.
    public func apply(_ text: String, to configuration: inout KeywardConfiguration) throws(SettingValueError) {
        try assign(&configuration, text)
    }
}

extension Setting {
    /// The values a setting takes, as the documentation and error messages describe them.
    public enum Kind: Sendable, Equatable {
        case text
        case path
        /// A PostgreSQL URL; its password is never shown.
        case databaseURL
        /// A comma-separated list on the command line and in variables, a list or a
        /// comma-separated string in the file.
        case list
        case boolean
        case choice([String])
        case integer(ClosedRange<Int64>)
        case number(ClosedRange<Double>)
        /// A list of mappings in the file, JSON in a flag or variable; `summary` says what.
        case structured(String)

        /// "integer from 1 to 1024", "on or off", …
        public var summary: String {
            switch self {
            case .text: "text"
            case .path: "file path"
            case .databaseURL: "postgres://user:password@host:port/database"
            case .list: "comma-separated list"
            case .boolean: "on or off"
            case .choice(let values): values.joined(separator: ", ")
            case .integer(let range): "integer from \(range.lowerBound) to \(range.upperBound)"
            case .number(let range): "number from \(Self.format(range.lowerBound)) to \(Self.format(range.upperBound))"
            case .structured(let summary): summary
            }
        }

        static func format(_ number: Double) -> String {
            number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        }
    }
}

/// Why a value was refused, without naming where it came from (``ConfigurationError`` adds that).
public struct SettingValueError: Error, Equatable, CustomStringConvertible {
    public var description: String
    /// For a structured setting: the list item the problem is in (0-based), so that a file's
    /// problem names that item's line.
    public var item: Int?
    public init(_ description: String, item: Int? = nil) {
        self.description = description
        self.item = item
    }
}

extension String {
    func replacingAll(_ characters: Set<Character>, with replacement: Character) -> String {
        String(map { characters.contains($0) ? replacement : $0 })
    }
}
