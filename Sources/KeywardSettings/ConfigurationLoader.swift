import KeywardCore

/// Builds a ``KeywardConfiguration`` from the three places a setting can be given, with one
/// precedence for every setting: flag, then environment variable, then file, then default.
///
/// Every problem is collected before anything is thrown, each naming the setting and its origin
/// (file and line for the file): a value out of range, an unknown file key or `KEYWARD_…`
/// variable (with the closest known name), a prefix or environment list that keys cannot carry.
/// An empty variable counts as unset, as shells make it easy to leave one behind.
public struct ConfigurationLoader: Sendable {
    /// Values given as flags, by setting name.
    public var flags: [String: String]
    public var environment: [String: String]
    public var file: ConfigurationFile?

    public init(flags: [String: String] = [:], environment: [String: String] = [:], file: ConfigurationFile? = nil) {
        self.flags = flags
        self.environment = environment
        self.file = file
    }

    /// The loader of a command line: `configPath` is `--config`, else `KEYWARD_CONFIG`.
    public init(flags: [String: String], configPath: String?, environment: [String: String]) throws(ConfigurationError) {
        let path = configPath ?? environment["KEYWARD_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
        self.init(flags: flags, environment: environment, file: try path.map { path throws(ConfigurationError) in try ConfigurationFile(path: path) })
    }

    public func load() throws(ConfigurationError) -> ResolvedConfiguration {
        var configuration = KeywardConfiguration()
        var origins: [String: ConfigurationOrigin] = [:]
        var problems = (file?.problems ?? []) + unknownVariables()
        for setting in KeywardConfiguration.settings {
            guard let (value, origin) = given(setting) else { continue }
            do {
                try setting.apply(value, to: &configuration)
                origins[setting.name] = origin
            } catch {
                var origin = origin
                if let item = error.item, case .file(let path, _) = origin, let lines = file?.entries[setting.fileKey]?.itemLines, item < lines.count {
                    origin = .file(path: path, line: lines[item])
                }
                problems.append(.init(setting: setting.name, origin: origin, message: error.description))
            }
        }
        let resolved = ResolvedConfiguration(configuration: configuration, origins: origins)
        if problems.isEmpty { problems += resolved.keyFormatProblems() }
        guard problems.isEmpty else { throw ConfigurationError(problems) }
        return resolved
    }

    /// The value of `setting` with the highest precedence, and where it came from.
    private func given(_ setting: Setting) -> (String, ConfigurationOrigin)? {
        if let value = flags[setting.name] { return (value, .flag(setting.flag)) }
        if let value = environment[setting.variable], !value.isEmpty { return (value, .environment(setting.variable)) }
        if let file, let entry = file.entries[setting.fileKey] { return (entry.value, .file(path: file.path, line: entry.line)) }
        return nil
    }

    /// `KEYWARD_…` variables that no setting reads: a typo here would otherwise be a setting
    /// silently left at its default.
    private func unknownVariables() -> [ConfigurationError.Problem] {
        let known = Set(KeywardConfiguration.settings.map(\.variable)).union(KeywardConfiguration.otherVariables.keys)
        return environment.keys.sorted().compactMap { name in
            guard name.hasPrefix("KEYWARD_"), !known.contains(name),
                  !KeywardConfiguration.toolingVariablePrefixes.contains(where: name.hasPrefix)
            else { return nil }
            return .init(setting: nil, origin: .environment(name), message: "is not a keyward setting\(Suggestion.phrase(for: name, among: known))")
        }
    }
}

/// A configuration and the origin of each of its settings.
public struct ResolvedConfiguration: Sendable {
    public var configuration: KeywardConfiguration
    /// By setting name; a setting missing here has its default.
    public var origins: [String: ConfigurationOrigin]

    public init(configuration: KeywardConfiguration = KeywardConfiguration(), origins: [String: ConfigurationOrigin] = [:]) {
        self.configuration = configuration
        self.origins = origins
    }

    public func origin(of name: String) -> ConfigurationOrigin {
        origins[name] ?? .default
    }

    /// A problem with the value of `name` found after loading (a policy file that does not
    /// load, a database that cannot be opened), named like the loader's own problems.
    public func problem(_ name: String, _ message: String) -> ConfigurationError {
        ConfigurationError([.init(setting: name, origin: origin(of: name), message: message)])
    }

    /// The key format and environment tags must make keys the verifier accepts.
    func keyFormatProblems() -> [ConfigurationError.Problem] {
        do {
            let format = try KeyFormat(prefix: configuration.keyPrefix)
            do {
                _ = try KeyLifecycle(format: format, environments: configuration.environments)
                return []
            } catch {
                return [.init(setting: "environments", origin: origin(of: "environments"), message: "\(error)")]
            }
        } catch {
            return [.init(setting: "prefix", origin: origin(of: "prefix"), message: "\(error)")]
        }
    }

    /// Every setting with its effective value (secrets redacted) and origin, in table order.
    public var effectiveSettings: [EffectiveSetting] {
        KeywardConfiguration.settings.map { setting in
            EffectiveSetting(name: setting.name, value: setting.value(in: configuration), origin: origin(of: setting.name))
        }
    }
}

/// One line of `keyward config show`.
public struct EffectiveSetting: Sendable, Equatable {
    public var name: String
    public var value: JSONValue
    public var origin: ConfigurationOrigin
}
