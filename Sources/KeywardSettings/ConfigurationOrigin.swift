/// Where the value of a setting came from, as `keyward config show` and error messages name it.
public enum ConfigurationOrigin: Sendable, Equatable, CustomStringConvertible {
    case `default`
    case flag(String)
    case environment(String)
    /// A configuration file, with the 1-based line of the value.
    case file(path: String, line: Int)

    /// `flag --port`, `env KEYWARD_PORT`, `file keyward.yaml:3`, `default`.
    public var description: String {
        switch self {
        case .default: "default"
        case .flag(let flag): "flag \(flag)"
        case .environment(let variable): "env \(variable)"
        case .file(let path, let line): "file \(path):\(line)"
        }
    }
}
