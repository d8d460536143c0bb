import Crypto

/// One entry of the tamper-evident audit log.
///
/// Events form a hash chain: each carries `previousHash` (the `hash` of the event before it, or
/// 64 zeros for the first) and `hash` = SHA-256 of its canonical content, which includes
/// `previousHash` and `sequence`. Altering, removing or reordering any event breaks the chain
/// at that point; ``AuditChain/verify(_:)`` finds the first break.
public struct AuditEvent: Sendable, Equatable, Codable {
    public var sequence: Int64
    public var occurredAt: Timestamp
    /// Who did it: the id of the credential used (`key_…`), or `system`, `cli`, `bootstrap`.
    public var actor: String
    /// Dotted verb such as `key.created`, `key.revoked`.
    public var action: String
    public var subjectKind: String
    public var subjectID: String
    /// Facts about the change. Never a secret: callers pass ids, names, reasons and counts.
    public var details: [String: JSONValue]
    public var previousHash: String
    public var hash: String

    public static let genesisHash = String(repeating: "0", count: 64)

    public init(
        sequence: Int64, occurredAt: Timestamp, actor: String, action: String, subjectKind: String,
        subjectID: String, details: [String: JSONValue], previousHash: String, hash: String
    ) {
        self.sequence = sequence
        self.occurredAt = occurredAt
        self.actor = actor
        self.action = action
        self.subjectKind = subjectKind
        self.subjectID = subjectID
        self.details = details
        self.previousHash = previousHash
        self.hash = hash
    }

    enum CodingKeys: String, CodingKey {
        case sequence = "seq"
        case occurredAt = "occurred_at"
        case actor, action
        case subjectKind = "subject_kind"
        case subjectID = "subject_id"
        case details
        case previousHash = "prev_hash"
        case hash
    }

    /// The bytes the hash covers: every field but `hash`, each length-prefixed so that no two
    /// different events can serialise alike.
    public var canonicalContent: [UInt8] {
        var out: [UInt8] = Array("keyward-audit-v1\n".utf8)
        func field(_ name: String, _ value: String) {
            out.append(contentsOf: name.utf8)
            out.append(contentsOf: "=\(value.utf8.count):".utf8)
            out.append(contentsOf: value.utf8)
            out.append(0x0A)
        }
        field("seq", String(sequence))
        field("occurred_at", String(occurredAt.millisecondsSinceEpoch))
        field("actor", actor)
        field("action", action)
        field("subject_kind", subjectKind)
        field("subject_id", subjectID)
        field("details", JSONValue.object(details).canonicalJSON)
        field("prev_hash", previousHash)
        return out
    }

    public func computeHash() -> String {
        let digest = SHA256.hash(data: canonicalContent)
        return digest.map { byte in
            let hex = Array("0123456789abcdef".utf8)
            return String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]], as: UTF8.self)
        }.joined()
    }
}

/// An event before it joins the chain: the store assigns sequence and hashes when it appends
/// inside the transaction that makes the change.
public struct AuditDraft: Sendable, Equatable {
    public var actor: String
    public var action: String
    public var subjectKind: String
    public var subjectID: String
    public var details: [String: JSONValue]

    public init(actor: String, action: String, subjectKind: String, subjectID: String, details: [String: JSONValue] = [:]) {
        self.actor = actor
        self.action = action
        self.subjectKind = subjectKind
        self.subjectID = subjectID
        self.details = details
    }

    /// Seals the draft as the event after `previous` (nil: the first event).
    public func sealed(after previous: (sequence: Int64, hash: String)?, at time: Timestamp) -> AuditEvent {
        var event = AuditEvent(
            sequence: (previous?.sequence ?? 0) + 1, occurredAt: time, actor: actor, action: action,
            subjectKind: subjectKind, subjectID: subjectID, details: details,
            previousHash: previous?.hash ?? AuditEvent.genesisHash, hash: ""
        )
        event.hash = event.computeHash()
        return event
    }
}

/// Recomputes a chain of events read in sequence order.
public struct AuditChain {
    public enum Problem: Equatable, Sendable, CustomStringConvertible {
        /// The event's content does not match its own hash: it was altered.
        case contentAltered(sequence: Int64)
        /// The event does not point at the event before it: one was removed, inserted or reordered.
        case brokenLink(sequence: Int64, expectedPrevious: String, found: String)
        /// Sequence numbers skip or repeat.
        case sequenceGap(expected: Int64, found: Int64)
        /// The recorded head of the chain does not match its last event: the tail was cut.
        case headMismatch(expectedSequence: Int64, foundSequence: Int64)

        public var sequence: Int64 {
            switch self {
            case .contentAltered(let sequence), .brokenLink(let sequence, _, _): return sequence
            case .sequenceGap(_, let found): return found
            case .headMismatch(let expected, let found): return min(expected, found) + 1
            }
        }

        public var description: String {
            switch self {
            case .contentAltered(let sequence):
                return "event \(sequence): content does not match its hash (altered)"
            case .brokenLink(let sequence, let expected, let found):
                return "event \(sequence): previous hash is \(found.prefix(12))…, expected \(expected.prefix(12))… (an event before it was removed, inserted or reordered)"
            case .sequenceGap(let expected, let found):
                return "event \(found): expected sequence \(expected) (events missing or duplicated)"
            case .headMismatch(let expected, let found):
                return "chain head records event \(expected) but the log ends at event \(found) (events removed from the end)"
            }
        }
    }

    public private(set) var count: Int64 = 0
    public private(set) var last: (sequence: Int64, hash: String)?

    public init() {}

    /// Feeds the next event; returns the first problem found with it, if any.
    public mutating func append(_ event: AuditEvent) -> Problem? {
        let expectedSequence = (last?.sequence ?? 0) + 1
        guard event.sequence == expectedSequence else {
            return .sequenceGap(expected: expectedSequence, found: event.sequence)
        }
        let expectedPrevious = last?.hash ?? AuditEvent.genesisHash
        guard event.previousHash == expectedPrevious else {
            return .brokenLink(sequence: event.sequence, expectedPrevious: expectedPrevious, found: event.previousHash)
        }
        guard event.computeHash() == event.hash else { return .contentAltered(sequence: event.sequence) }
        last = (event.sequence, event.hash)
        count += 1
        return nil
    }

    /// Verifies a whole chain; nil when intact.
    public static func verify(_ events: some Sequence<AuditEvent>) -> Problem? {
        var chain = AuditChain()
        for event in events {
            if let problem = chain.append(event) { return problem }
        }
        return nil
    }
}
