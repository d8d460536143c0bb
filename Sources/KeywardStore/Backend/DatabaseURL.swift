import Foundation

/// A PostgreSQL connection URL: `postgres://user:password@host:port/database?sslmode=disable`.
///
/// `sslmode` follows libpq: `disable` (default for localhost), `prefer` (TLS if the server offers
/// it), `require`/`verify-full` (TLS with certificate verification). The password never appears
/// in ``redacted``, which is what logs and errors show.
public struct DatabaseURL: Sendable, Equatable, CustomStringConvertible {
    public enum TLSMode: String, Sendable { case disable, prefer, require }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var tls: TLSMode

    public init(_ text: String) throws {
        guard let components = URLComponents(string: text), let scheme = components.scheme,
              ["postgres", "postgresql"].contains(scheme)
        else {
            throw StoreError.cannotOpen("database URL must look like postgres://user:password@host:5432/database, got \(Self.redact(text))")
        }
        guard let host = components.host, !host.isEmpty else { throw StoreError.cannotOpen("database URL has no host: \(Self.redact(text))") }
        guard let user = components.user, !user.isEmpty else { throw StoreError.cannotOpen("database URL has no user name: \(Self.redact(text))") }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty else { throw StoreError.cannotOpen("database URL names no database: \(Self.redact(text))") }
        self.host = host
        self.port = components.port ?? 5432
        self.username = user.removingPercentEncoding ?? user
        self.password = components.password.map { $0.removingPercentEncoding ?? $0 }
        self.database = database
        let mode = components.queryItems?.first(where: { $0.name == "sslmode" })?.value
        switch mode {
        case nil: tls = ["localhost", "127.0.0.1", "::1"].contains(host) ? .disable : .prefer
        case "disable": tls = .disable
        case "prefer", "allow": tls = .prefer
        case "require", "verify-ca", "verify-full": tls = .require
        default: throw StoreError.cannotOpen("unknown sslmode \"\(mode!)\" (use disable, prefer or require)")
        }
    }

    public var redacted: String { "postgres://\(username)@\(host):\(port)/\(database)?sslmode=\(tls.rawValue)" }
    public var description: String { redacted }

    static func redact(_ text: String) -> String {
        guard var components = URLComponents(string: text) else { return "(unparseable URL)" }
        if components.password != nil { components.password = "***" }
        return components.string ?? "(unparseable URL)"
    }
}
