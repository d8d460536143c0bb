import Foundation
import KeywardCore
import Logging

/// What a connector is built with: its declaration, the HTTP layer it must send through, where
/// its credential is read from, and the clock.
public struct ConnectorContext: Sendable {
    public var declaration: ConnectorDeclaration
    public var http: ConnectorHTTP
    /// The process environment (or a test's), for `credentials: env`.
    public var environment: [String: String]
    public var clock: any WallClock
    public var logger: Logger

    public init(declaration: ConnectorDeclaration, http: ConnectorHTTP, environment: [String: String] = ProcessInfo.processInfo.environment,
                clock: any WallClock = SystemClock(), logger: Logger = Logger(label: "keyward.connectors")) {
        self.declaration = declaration
        self.http = http
        self.environment = environment
        self.clock = clock
        self.logger = logger
    }

    /// Environment variable `name`, required and non-empty.
    public func variable(_ name: String) throws -> ConnectorSecret {
        guard let value = environment[name], !value.isEmpty else {
            throw ConnectorError.configuration("\(declaration.name): \(name) is not set (credentials: env)")
        }
        return ConnectorSecret(value)
    }

    /// The file of `credentials: file:PATH`, whole. Nil for `credentials: env`.
    public func credentialFile() throws -> ConnectorSecret? {
        guard case .file(let path) = declaration.credentials else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConnectorError.configuration("\(declaration.name): cannot read credentials file \(path)")
        }
        return ConnectorSecret(String(decoding: data, as: UTF8.self))
    }

    /// A bearer token from `env` (`variable`) or from the first line of `file:PATH`.
    public func token(variable name: String) throws -> ConnectorSecret {
        if let file = try credentialFile() {
            let line = file.value.split(whereSeparator: \.isNewline).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            guard !line.isEmpty else { throw ConnectorError.configuration("\(declaration.name): the credentials file is empty") }
            return ConnectorSecret(line)
        }
        return try variable(name)
    }

    /// The declared endpoint without a trailing slash, or `defaultEndpoint`.
    public func endpoint(default defaultEndpoint: String) -> String {
        guard var endpoint = declaration.endpoint, !endpoint.isEmpty else { return defaultEndpoint }
        while endpoint.hasSuffix("/") { endpoint.removeLast() }
        return endpoint
    }
}
