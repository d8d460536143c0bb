import KeywardCore

/// The typed constructors of ``Setting``: each turns a key path (or a getter and setter) into
/// the row's parser, check and renderer.
extension Setting {
    typealias Path<Value> = WritableKeyPath<KeywardConfiguration, Value> & Sendable

    /// A whole number within `range`.
    static func integer<Value: FixedWidthInteger & Sendable>(
        _ name: String, _ path: Path<Value>, in range: ClosedRange<Value>, flag: String? = nil, variable: String? = nil, help: String
    ) -> Setting {
        integer(name, in: range, flag: flag, variable: variable, help: help, get: { $0[keyPath: path] }, set: { $0[keyPath: path] = $1 })
    }

    /// A whole number within `range`, stored by `set` (for settings held in another unit).
    static func integer<Value: FixedWidthInteger & Sendable>(
        _ name: String, in range: ClosedRange<Value>, flag: String? = nil, variable: String? = nil, help: String,
        get: @escaping @Sendable (KeywardConfiguration) -> Value, set: @escaping @Sendable (inout KeywardConfiguration, Value) -> Void
    ) -> Setting {
        let kind = Kind.integer(Int64(range.lowerBound)...Int64(range.upperBound))
        return Setting(name: name, flag: flag, variable: variable, kind: kind, help: help) { configuration, text throws(SettingValueError) in
            guard let value = Value(text.trimmed), range.contains(value) else {
                throw SettingValueError("must be an \(kind.summary), got \(text.quoted)")
            }
            set(&configuration, value)
        } read: { .number(Double(get($0))) }
    }

    /// A number within `range`.
    static func number(_ name: String, _ path: Path<Double>, in range: ClosedRange<Double>, help: String) -> Setting {
        let kind = Kind.number(range)
        return Setting(name: name, kind: kind, help: help) { configuration, text throws(SettingValueError) in
            guard let value = Double(text.trimmed), value.isFinite, range.contains(value) else {
                throw SettingValueError("must be a \(kind.summary), got \(text.quoted)")
            }
            configuration[keyPath: path] = value
        } read: { .number($0[keyPath: path]) }
    }

    /// On or off (`on`, `true`, `yes`, `1` / `off`, `false`, `no`, `0`).
    static func boolean(_ name: String, _ path: Path<Bool>, help: String) -> Setting {
        Setting(name: name, kind: .boolean, help: help) { configuration, text throws(SettingValueError) in
            switch text.trimmed.lowercased() {
            case "on", "true", "yes", "1": configuration[keyPath: path] = true
            case "off", "false", "no", "0": configuration[keyPath: path] = false
            default: throw SettingValueError("must be on or off, got \(text.quoted)")
            }
        } read: { .bool($0[keyPath: path]) }
    }

    /// One of an enumeration's raw values.
    static func choice<Value: RawRepresentable & CaseIterable & Sendable>(_ name: String, _ path: Path<Value>, flag: String? = nil,
                                                                        variable: String? = nil, help: String) -> Setting
    where Value.RawValue == String {
        let values = Value.allCases.map(\.rawValue)
        return Setting(name: name, flag: flag, variable: variable, kind: .choice(values), help: help) { configuration, text throws(SettingValueError) in
            guard let value = Value(rawValue: text.trimmed) else {
                throw SettingValueError("must be one of \(values.joined(separator: ", ")), got \(text.quoted)")
            }
            configuration[keyPath: path] = value
        } read: { .string($0[keyPath: path].rawValue) }
    }

    /// Text that must not be empty.
    static func text(_ name: String, _ path: Path<String>, kind: Kind = .text, help: String) -> Setting {
        Setting(name: name, kind: kind, help: help) { configuration, text throws(SettingValueError) in
            configuration[keyPath: path] = try nonEmpty(text)
        } read: { .string($0[keyPath: path]) }
    }

    /// Text that may be absent (nil by default).
    static func optionalText(_ name: String, _ path: Path<String?>, kind: Kind = .path, flag: String? = nil, variable: String? = nil,
                             isSecret: Bool = false, help: String) -> Setting {
        Setting(name: name, flag: flag, variable: variable, kind: kind, help: help, isSecret: isSecret) { configuration, text throws(SettingValueError) in
            configuration[keyPath: path] = try nonEmpty(text)
        } read: { $0[keyPath: path].map(JSONValue.string) ?? .null }
    }

    /// A non-empty list of non-empty items.
    static func list(_ name: String, _ path: Path<[String]>, help: String) -> Setting {
        Setting(name: name, kind: .list, help: help) { configuration, text throws(SettingValueError) in
            let items = text.split(separator: ",").map { String($0).trimmed }.filter { !$0.isEmpty }
            guard !items.isEmpty else { throw SettingValueError("must name at least one item, got \(text.quoted)") }
            configuration[keyPath: path] = items
        } read: { .array($0[keyPath: path].map(JSONValue.string)) }
    }

    /// A setting whose parsing is its own (secrets read from a file, values kept in two places).
    static func custom(_ name: String, kind: Kind, flag: String? = nil, variable: String? = nil, isSecret: Bool = false, help: String,
                       assign: @escaping @Sendable (inout KeywardConfiguration, String) throws(SettingValueError) -> Void,
                       read: @escaping @Sendable (KeywardConfiguration) -> JSONValue) -> Setting {
        Setting(name: name, flag: flag, variable: variable, kind: kind, help: help, isSecret: isSecret, assign: assign, read: read)
    }

    static func nonEmpty(_ text: String) throws(SettingValueError) -> String {
        let trimmed = text.trimmed
        guard !trimmed.isEmpty else { throw SettingValueError("must not be empty") }
        return trimmed
    }
}

extension String {
    var trimmed: String {
        var view = Substring(self)
        while let first = view.first, first.isWhitespace { view.removeFirst() }
        while let last = view.last, last.isWhitespace { view.removeLast() }
        return String(view)
    }

    /// The value as an error message shows it: quoted, and cut when long.
    var quoted: String {
        let shown = count > 60 ? String(prefix(57)) + "..." : self
        return "\"\(shown)\""
    }
}
