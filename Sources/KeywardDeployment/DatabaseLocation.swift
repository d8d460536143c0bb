import KeywardSettings
import KeywardStore

/// Which database a configuration names, as people may read it.
///
/// `database_url` wins over `db`, unless `db` was given with a higher precedence: with
/// `KEYWARD_DATABASE_URL` exported in a shell, `keyward findings list --db copy.db` still means
/// the file.
public enum DatabaseLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(url: String)

    public init(_ resolved: ResolvedConfiguration) {
        let configuration = resolved.configuration
        guard let url = configuration.databaseURL,
              resolved.origin(of: "db").precedence <= resolved.origin(of: "database_url").precedence
        else {
            self = .sqlite(path: configuration.databasePath)
            return
        }
        self = .postgres(url: url)
    }

    /// The file path, or the URL without its password.
    public var description: String {
        switch self {
        case .sqlite(let path): path
        case .postgres(let url): (try? DatabaseURL(url).redacted) ?? "PostgreSQL"
        }
    }
}

extension ConfigurationOrigin {
    /// Flag over variable over file over default.
    var precedence: Int {
        switch self {
        case .default: 0
        case .file: 1
        case .environment: 2
        case .flag: 3
        }
    }
}
