import Foundation
import Hummingbird
import KeywardAPI
import KeywardCore

/// Turns `Authorization: Bearer <keyward key>` into a ``Principal`` with the scopes of that key.
///
/// Admin credentials are ordinary keyward keys verified through the same in-memory index as
/// every other key, so authenticating costs one hash and one lookup. No credential, or one that
/// does not verify, is 401; a valid one without the route's scope is 403.
public struct Authenticator: Sendable {
    let verifier: Verifier
    let throttle: FailedAuthThrottle

    public init(verifier: Verifier, throttle: FailedAuthThrottle) {
        self.verifier = verifier
        self.throttle = throttle
    }

    static let challenge: HTTPFields = [.wwwAuthenticate: #"Bearer realm="keyward""#]

    /// Authenticates the request and checks it carries `scope` (or `keyward:admin`).
    public func authenticate(_ request: Request, context: KeywardRequestContext, scope: String) async throws -> Principal {
        let address = context.remoteAddress?.ipAddress
        guard let header = request.headers[.authorization] else {
            try await fail(address, APIError(.unauthorized, code: "unauthorized", message: "missing Authorization: Bearer <key> header", headers: Self.challenge))
        }
        let token = Self.bearerToken(header)
        guard let token else {
            try await fail(address, APIError(.unauthorized, code: "unauthorized", message: "Authorization header must be 'Bearer <key>'", headers: Self.challenge))
        }
        var tokenBytes = token
        let outcome = tokenBytes.withUTF8 { bytes in
            verifier.verify(UnsafeRawBufferPointer(bytes), requiredScopes: [] as [[UInt8]], caller: context.peerIP)
        }
        guard outcome.code == .valid, let key = outcome.key else {
            try await fail(address, APIError(.unauthorized, code: "unauthorized", message: "credential is not valid (\(outcome.code.rawValue))", headers: Self.challenge))
        }
        guard key.scopes.grants(Array(scope.utf8)) else {
            throw APIError(.forbidden, code: "forbidden", message: "credential lacks the \(scope) scope")
        }
        return Principal(id: key.id.description, scopes: key.scopes.scopes, address: address)
    }

    private func fail(_ address: String?, _ error: APIError) async throws -> Never {
        let delay = throttle.recordFailure(from: address ?? "unknown", at: verifier.clock.now())
        if delay > .zero { try await Task.sleep(for: delay) }
        throw error
    }

    /// The token of a `Bearer` header, case-insensitive scheme, surrounding spaces ignored.
    static func bearerToken(_ header: String) -> String? {
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        guard !token.isEmpty, token.utf8.count <= KeyFormat.maximumLength else { return nil }
        return String(token)
    }
}
