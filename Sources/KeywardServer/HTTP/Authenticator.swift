import Hummingbird
import KeywardCore
import NIOCore

/// Turns `Authorization: Bearer <keyward key>` into the credential behind a request.
///
/// Admin credentials are ordinary keyward keys verified through the same in-memory index as
/// every other key, so authenticating costs one hash and one lookup and allocates nothing: the
/// token is checked in place in the header. Every way into the server authenticates with
/// ``check(header:peer:scope:)`` — the router's routes, the verify fast path on the event loop,
/// and the dashboard's sign-in and sessions — so all of them refuse the same credentials in the same order
/// (the verifier's: format, index, state, caller network, scope, rate limit) and spend nothing
/// on a refusal. No credential, or one that does not verify, is 401; a valid one without the
/// route's scope is 403.
public struct Authenticator: Sendable {
    public let verifier: Verifier
    let usage: UsageRecorder
    let confirmation: IndexConfirmation
    public let throttle: FailedAuthThrottle

    init(verifier: Verifier, usage: UsageRecorder, confirmation: IndexConfirmation, throttle: FailedAuthThrottle) {
        self.verifier = verifier
        self.usage = usage
        self.confirmation = confirmation
        self.throttle = throttle
    }

    static let challenge: HTTPFields = [.wwwAuthenticate: #"Bearer realm="keyward""#]

    /// Checks the credential of an `Authorization` header against `scope`, synchronously and
    /// without allocating. `peer` is read only for a key with an address allow-list.
    ///
    /// A valid credential spends its rate-limit token and counts one use; a refusal spends
    /// nothing (the verifier checks the scope before the rate limit).
    func check(header: String?, peer: @autoclosure () -> IPAddress?, scope: RequiredScope) -> CredentialCheck {
        guard var header else { return .missing }
        return header.withUTF8 { bytes in
            guard let token = Self.bearerToken(UnsafeRawBufferPointer(bytes)) else { return .malformedHeader }
            return check(token: token, peer: peer(), scope: scope)
        }
    }

    /// Checks a presented key itself (the dashboard's sign-in form carries it without a header).
    func check(token: UnsafeRawBufferPointer, peer: @autoclosure () -> IPAddress?, scope: RequiredScope) -> CredentialCheck {
        classify(verifier.verify(token, requiredScopes: scope.list, caller: peer()))
    }

    /// Checks a credential found by other means (a dashboard session's key) the same way, so
    /// that it keeps the key's address allow-list and spends its rate limit.
    func check(key: IndexedKey, peer: @autoclosure () -> IPAddress?, scope: RequiredScope) -> CredentialCheck {
        classify(verifier.verify(found: key, requiredScopes: scope.list, caller: peer()))
    }

    private func classify(_ outcome: Verifier.Outcome) -> CredentialCheck {
        switch outcome.code {
        case .valid:
            guard let key = outcome.key else { return .invalid(.notFound) }
            usage.recordCredentialUse(key, at: outcome.checkedAt)
            return .valid(outcome)
        case .insufficientScope:
            return .forbidden
        default:
            return .invalid(outcome.code)
        }
    }

    /// Authenticates a request routed to a route that requires `scope`: ``check(header:peer:scope:)``,
    /// then what only an async caller can do — confirm a VALID answer against the store while the
    /// index is not current, and slow down an address that keeps failing before answering 401.
    public func authenticate(_ request: Request, context: KeywardRequestContext, scope: RequiredScope) async throws -> Credential {
        try admit(context)
        switch check(header: request.headers[.authorization], peer: context.peerIP, scope: scope) {
        case .missing:
            try await fail(context, "missing Authorization: Bearer <key> header")
        case .malformedHeader:
            try await fail(context, "Authorization header must be 'Bearer <key>'")
        case .invalid(let code):
            try await fail(context, "credential is not valid (\(code.rawValue))")
        case .forbidden:
            throw APIError(.forbidden, code: "forbidden", message: "credential lacks the \(scope.name) scope")
        case .valid(let checked):
            let outcome = try await confirmation.confirm(checked)
            guard outcome.code == .valid, let key = outcome.key else {
                try await fail(context, "credential is not valid (\(outcome.code.rawValue))")
            }
            return Credential(key: key, address: context.clientAddress)
        }
    }

    /// Refuses (429) a request from an address that has as many failed attempts waiting for
    /// their answers as the throttle allows, before its credential is looked at.
    func admit(_ context: KeywardRequestContext) throws {
        guard throttle.admits(Self.throttleKey(context)) else {
            throw APIError(.tooManyRequests, code: "too_many_failed_attempts", message:
                "too many failed authentications from this address are still being answered; retry later", headers: [.retryAfter: "5"])
        }
    }

    /// Counts a failed authentication from the request's address and waits as the throttle says.
    func delayFailure(_ context: KeywardRequestContext) async throws {
        let address = Self.throttleKey(context)
        let delay = throttle.recordFailure(from: address, at: verifier.clock.now())
        guard delay > .zero else { return }
        defer { throttle.answered(address) }
        try await Task.sleep(for: delay)
    }

    static func throttleKey(_ context: KeywardRequestContext) -> String {
        context.clientAddress ?? "unknown"
    }

    private func fail(_ context: KeywardRequestContext, _ message: String) async throws -> Never {
        try await delayFailure(context)
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
    /// The client address (a trusted proxy's forwarded one, when there is one).
    let address: String?

    public var principal: Principal {
        Principal(id: key.id.description, scopes: key.scopes.scopes, address: address)
    }
}
