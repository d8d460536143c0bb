import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import KeywardCore
import KeywardStore

/// Sign-in, sessions and CSRF for the dashboard.
///
/// Signing in needs a key with `keyward:read` (or `keyward:admin`): every page reads, and the API
/// does not let `keyward:write` alone read either. Acting needs `keyward:write` as well.
///
/// A session token (256 random bits, hex) lives only in the browser's cookie; the store keeps its
/// SHA-256. Every request checks the credential that signed in as the router checks a bearer key
/// (``Authenticator/check(key:peer:scope:)``), so a session carries the key's restrictions: a
/// request from outside its allowed networks is refused (403), one past its rate limit too (429),
/// and a revoked, disabled or expired key ends its sessions on their next request. The cookie is
/// HttpOnly, SameSite=Strict, Path=/ui, and Secure when the request came over TLS (as a proxy
/// says with `X-Forwarded-Proto: https`). Each session has its own CSRF token, which every
/// state-changing form carries and which is compared in constant time; it is derived from the
/// master key and the session, not stored.
struct DashboardSessions: Sendable {
    static let cookieName = "keyward_session"
    /// A double-submit token for the sign-in form itself (there is no session yet to hold one).
    static let signInCookieName = "keyward_signin"
    static let lifetime: Int64 = 8 * 3600 * 1000

    let node: KeywardNode

    /// Verifies a presented key and opens a session for it; nil (after the failed-auth throttle's
    /// delay) when the key does not verify or lacks keyward:read.
    func signIn(key: String, context: KeywardRequestContext) async throws -> (token: String, session: DashboardSession)? {
        let authenticator = node.authenticator
        guard authenticator.throttle.admits(Authenticator.throttleKey(context)) else { throw DashboardError.tooManyFailures }
        var key = key
        let checked = key.withUTF8 { authenticator.check(token: UnsafeRawBufferPointer($0), peer: context.peerIP, scope: .read) }
        guard case .valid(let valid) = checked, case let outcome = try await authenticator.confirmation.confirm(valid),
              outcome.code == .valid, let entry = outcome.key
        else {
            try await authenticator.delayFailure(context)
            return nil
        }
        let now = node.clock.now()
        let token = Self.randomToken()
        var expires = now.millisecondsSinceEpoch + Self.lifetime
        if let keyExpiry = entry.expiresAt?.millisecondsSinceEpoch { expires = min(expires, keyExpiry) }
        let session = DashboardSession(
            tokenHash: Self.hash(token), keyID: entry.id, keyHash: entry.hash, scopes: entry.scopes.scopes,
            createdAt: now, expiresAt: Timestamp(millisecondsSinceEpoch: expires))
        try await node.store.createDashboardSession(session, address: context.clientAddress)
        return (token, session)
    }

    /// Why a session was ended on a request: told on the sign-in page it lands on, so a person
    /// whose key was revoked does not think they were signed out by a fault.
    enum Ending: String, CaseIterable {
        case revoked, disabled, expired, lostRead = "scope", notFound = "missing"

        init(_ code: VerificationCode) {
            switch code {
            case .revoked: self = .revoked
            case .disabled: self = .disabled
            case .expired: self = .expired
            default: self = .notFound
            }
        }

        /// Logged in the `dashboard.signed_out` event.
        var reason: String {
            switch self {
            case .revoked: return "credential REVOKED"
            case .disabled: return "credential DISABLED"
            case .expired: return "credential EXPIRED"
            case .lostRead: return "credential lost keyward:read"
            case .notFound: return "credential not found"
            }
        }

        /// Shown on the sign-in page.
        var message: String {
            switch self {
            case .revoked: return "Your session ended because the key you signed in with was revoked. Sign in with another key."
            case .disabled: return "Your session ended because the key you signed in with was disabled."
            case .expired: return "Your session ended because the key you signed in with expired."
            case .lostRead: return "Your session ended because the key you signed in with no longer has keyward:read."
            case .notFound: return "Your session ended because the key you signed in with no longer verifies."
            }
        }
    }

    /// The signed-in user of a request, or nil when there is no live session or its credential
    /// no longer verifies (the session is then deleted).
    func user(_ request: Request, context: KeywardRequestContext) async throws -> DashboardUser? {
        if case .user(let user) = try await lookUp(request, context: context) { return user }
        return nil
    }

    enum Lookup {
        case user(DashboardUser)
        /// No session cookie, or no live session for it.
        case none
        /// The session existed and was ended now because its credential no longer verifies.
        case ended(Ending)
    }

    func lookUp(_ request: Request, context: KeywardRequestContext) async throws -> Lookup {
        guard let token = Self.cookie(Self.cookieName, in: request), Self.isWellFormed(token) else { return .none }
        let now = node.clock.now()
        guard let session = try await node.store.dashboardSession(tokenHash: Self.hash(token), now: now) else { return .none }
        guard let entry = node.verifier.index.lookup(session.keyHash), entry.id == session.keyID else {
            try await end(session, reason: Ending.notFound.reason, at: now)
            return .ended(.notFound)
        }
        let code: VerificationCode
        switch node.authenticator.check(key: entry, peer: context.peerIP, scope: .read) {
        case .valid(let checked):
            // While the change feed is down the index may miss a revocation: confirm in the store.
            code = try await node.authenticator.confirmation.confirm(checked).code
        case .forbidden:
            try await end(session, reason: Ending.lostRead.reason, at: now)
            return .ended(.lostRead)
        case .invalid(.ipNotAllowed):
            // Refused, not ended: the session is still good from where the key is allowed.
            throw DashboardError.notFromHere
        case .invalid(.rateLimited):
            throw DashboardError.rateLimited
        case .invalid(let refused):
            code = refused
        case .missing, .malformedHeader:
            code = .malformed
        }
        guard code == .valid else {
            let ending = Ending(code)
            try await end(session, reason: "credential \(code.rawValue)", at: now)
            return .ended(ending)
        }
        let principal = Principal(id: entry.id.description, scopes: entry.scopes.scopes, address: context.clientAddress)
        return .user(DashboardUser(session: session, principal: principal, owner: entry.owner, canWrite: entry.scopes.grants(Scope.write),
                                   csrfToken: Self.csrfToken(for: session, keyring: node.store.keyring)))
    }

    func end(_ session: DashboardSession, reason: String, at now: Timestamp) async throws {
        try await node.store.deleteDashboardSession(tokenHash: session.tokenHash, keyID: session.keyID, reason: reason, at: now)
    }

    /// A session's CSRF token: the HMAC-SHA256 of its token hash under a key derived from the
    /// master key, so it need not be stored (a copy of the database yields none) and is the same
    /// on every node.
    static func csrfToken(for session: DashboardSession, keyring: MasterKeyring) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array(session.tokenHash.utf8), using: keyring.derivedKey(purpose: "dashboard csrf"))
        return Hex.encode(mac)
    }

    /// Refuses a state-changing form without the session's CSRF token.
    static func checkCSRF(_ form: DashboardForm, user: DashboardUser) throws {
        guard let presented = form["csrf"], ConstantTime.equals(presented, user.csrfToken) else { throw DashboardError.csrf }
    }

    // MARK: cookies

    static func sessionCookie(_ token: String, expires: Timestamp, request: Request) -> String {
        cookie(cookieName, token, maxAge: max(0, (expires.millisecondsSinceEpoch - Int64(Date().timeIntervalSince1970 * 1000)) / 1000), request: request)
    }

    static func cookie(_ name: String, _ value: String, maxAge: Int64, request: Request) -> String {
        var text = "\(name)=\(value); Path=/ui; Max-Age=\(maxAge); HttpOnly; SameSite=Strict"
        if isSecure(request) { text += "; Secure" }
        return text
    }

    static func expiredCookie(_ name: String, request: Request) -> String { cookie(name, "", maxAge: 0, request: request) }

    /// True when the browser reached us over TLS (directly, or through a proxy that says so).
    static func isSecure(_ request: Request) -> Bool {
        if request.uri.scheme?.rawValue == "https" { return true }
        guard let proto = request.headers[HTTPField.Name("X-Forwarded-Proto")!] else { return false }
        return proto.split(separator: ",").first?.trimmingCharacters(in: .whitespaces).lowercased() == "https"
    }

    static func cookie(_ name: String, in request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name {
                    return parts[1].trimmingCharacters(in: .whitespaces)
                }
            }
        }
        return nil
    }

    // MARK: tokens

    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        var text = ""
        for _ in 0..<4 { text += hex64(generator.next()) }
        return text
    }

    private static func hex64(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    static func isWellFormed(_ token: String) -> Bool {
        token.utf8.count == 64 && token.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }

    static func hash(_ token: String) -> String {
        KeyHash(of: token).hex
    }
}
