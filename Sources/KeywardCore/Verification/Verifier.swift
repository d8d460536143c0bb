import Crypto
import Synchronization

/// Answers "is this key valid for this request?" from memory, in well under a microsecond.
///
/// The checks run cheapest and most certain first, and the first failure is the answer:
/// format and checksum (`MALFORMED`, no hashing), this deployment's prefix and the index
/// (`NOT_FOUND`), revoked, disabled, expired, caller network (`IP_NOT_ALLOWED`), scopes
/// (`INSUFFICIENT_SCOPE`), and last the rate limit, so that refused requests spend no tokens: a
/// VALID answer spends one, a refusal nothing. Uses are not counted here but by whoever answers
/// (``UsageRecorder``), once, with the final answer. Nothing here touches the database.
public final class Verifier: Sendable {
    public let index: KeyIndex
    public let format: KeyFormat
    public let clock: any WallClock
    /// False while the index may have missed changes made elsewhere (the change feed is down or
    /// resynchronising). Callers then confirm VALID answers against the store, or refuse.
    private let current = Atomic(true)

    public var indexIsCurrent: Bool { current.load(ordering: .acquiring) }
    public func setIndexCurrent(_ value: Bool) { current.store(value, ordering: .releasing) }

    public init(format: KeyFormat, clock: any WallClock, index: KeyIndex = KeyIndex()) {
        self.format = format
        self.clock = clock
        self.index = index
    }

    public struct Outcome: Sendable {
        public var code: VerificationCode
        /// The key the plaintext belongs to, when it was found (also for refusals).
        public var key: IndexedKey?
        public var checkedAt: Timestamp

        public init(code: VerificationCode, key: IndexedKey? = nil, checkedAt: Timestamp) {
            self.code = code
            self.key = key
            self.checkedAt = checkedAt
        }
    }

    /// Verifies a key given as raw bytes, against required scopes given as raw bytes.
    ///
    /// `caller` is evaluated only for keys with an address allow-list, so that callers need not
    /// parse the peer address of every request.
    public func verify(
        _ key: UnsafeRawBufferPointer, requiredScopes: [[UInt8]], caller: @autoclosure () -> IPAddress?
    ) -> Outcome {
        let now = clock.now()
        guard let shape = KeyFormat.shape(of: key) else { return Outcome(code: .malformed, checkedAt: now) }
        guard format.prefix.utf8.elementsEqual(UnsafeRawBufferPointer(rebasing: key[shape.prefix])) else {
            return Outcome(code: .notFound, checkedAt: now)
        }
        guard let entry = index.lookup(KeyHash(of: key)) else { return Outcome(code: .notFound, checkedAt: now) }
        return Outcome(code: check(entry, requiredScopes: requiredScopes, caller: caller, now: now), key: entry, checkedAt: now)
    }

    /// Checks a key found by other means — a dashboard session's credential, looked up by the
    /// hash the session stored — exactly as a presented key is checked after its look-up: state,
    /// expiry, caller network, scopes, then the rate limit (a token only when all else passes).
    /// So a session carries every restriction of the key that opened it.
    public func verify(found entry: IndexedKey, requiredScopes: [[UInt8]], caller: @autoclosure () -> IPAddress?) -> Outcome {
        let now = clock.now()
        return Outcome(code: check(entry, requiredScopes: requiredScopes, caller: caller, now: now), key: entry, checkedAt: now)
    }

    public func verify(_ key: String, requiredScopes: [String] = [], caller: IPAddress? = nil) -> Outcome {
        var key = key
        let scopes = requiredScopes.map { Array($0.utf8) }
        return key.withUTF8 { verify(UnsafeRawBufferPointer($0), requiredScopes: scopes, caller: caller) }
    }

    private func check(
        _ entry: IndexedKey, requiredScopes: [[UInt8]], caller: () -> IPAddress?, now: Timestamp
    ) -> VerificationCode {
        let bits = entry.stateBits.load(ordering: .acquiring)
        if bits & 0x7F == 2 { return .revoked }
        if bits & IndexedKey.disabledBit != 0 { return .disabled }
        if entry.expiresAtMillis.load(ordering: .relaxed) <= now.millisecondsSinceEpoch { return .expired }
        if let restrictions = entry.restrictions, !restrictions.allows(caller()) { return .ipNotAllowed }
        for required in requiredScopes where !entry.scopes.grants(required) { return .insufficientScope }
        if let limiter = entry.restrictions?.rateLimiter, !limiter.acquire(at: now) { return .rateLimited }
        return .valid
    }
}
