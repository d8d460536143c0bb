import Hummingbird
import KeywardCore
import NIOCore

/// Turns `Authorization: Bearer <keyward key>` into the credential behind a request.
///
/// Admin credentials are ordinary keyward keys verified through the same in-memory index as
/// every other key, so authenticating costs one hash and one lookup and allocates nothing: the
/// token is checked in place in the header. No credential, or one that does not verify, is 401;
/// a valid one without the route's scope is 403.
public struct Authenticator: Sendable {
    public let verifier: Verifier
    let confirmation: IndexConfirmation
    public let throttle: FailedAuthThrottle

    init(verifier: Verifier, confirmation: IndexConfirmation, throttle: FailedAuthThrottle) {
        self.verifier = verifier
        self.confirmation = confirmation
        self.throttle = throttle
    }

    static let challenge: HTTPFields = [.wwwAuthenticate: #"Bearer realm="keyward""#]

    /// Authenticates the request and checks it carries `scope` (or `keyward:admin`).
    public func authenticate(_ request: Request, context: KeywardRequestContext, scope: [UInt8]) async throws -> Credential {
        guard var header = request.headers[.authorization] else {
            try await fail(context, "missing Authorization: Bearer <key> header")
        }
        let checked: Verifier.Outcome? = header.withUTF8 { bytes in
            guard let token = Self.bearerToken(UnsafeRawBufferPointer(bytes)) else { return nil }
            return verifier.verify(token, requiredScopes: [], caller: context.peerIP)
        }
        guard let checked else { try await fail(context, "Authorization header must be 'Bearer <key>'") }
        let outcome = try await confirmation.confirm(checked)
        guard outcome.code == .valid, let key = outcome.key else {
            try await fail(context, "credential is not valid (\(outcome.code.rawValue))")
        }
        guard key.scopes.grants(scope) else {
            throw APIError(.forbidden, code: "forbidden", message: "credential lacks the \(String(decoding: scope, as: UTF8.self)) scope")
        }
        return Credential(key: key, peer: context.remoteAddress)
    }

    private func fail(_ context: KeywardRequestContext, _ message: String) async throws -> Never {
        let address = context.remoteAddress?.ipAddress ?? "unknown"
        let delay = throttle.recordFailure(from: address, at: verifier.clock.now())
        if delay > .zero { try await Task.sleep(for: delay) }
        throw APIError(.unauthorized, code: "unauthorized", message: message, headers: Self.challenge)
    }

    /// The token of a `Bearer` header (scheme case-insensitive, surrounding spaces ignored), as
    /// a slice of the header's bytes; nil when the header is not a bearer credential.
    static func bearerToken(_ header: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        let scheme = Array("bearer".utf8)
        guard header.count > scheme.count, header[scheme.count] == UInt8(ascii: " ") else { return nil }
        for (index, byte) in scheme.enumerated() where byte != (header[index] | 0x20) { return nil }
        var start = scheme.count
        var end = header.count
        while start < end, header[start] == UInt8(ascii: " ") { start += 1 }
        while end > start, header[end - 1] == UInt8(ascii: " ") { end -= 1 }
        guard start < end, end - start <= KeyFormat.maximumLength else { return nil }
        return UnsafeRawBufferPointer(rebasing: header[start..<end])
    }
}

/// The verified credential of a request. The ``principal`` (with its id as a string and its
/// scope list) is built only by routes that record who acted, not on the verify path.
public struct Credential: Sendable {
    public let key: IndexedKey
    let peer: SocketAddress?

    public var principal: Principal {
        Principal(id: key.id.description, scopes: key.scopes.scopes, address: peer?.ipAddress)
    }
}
