/// What the detector knows about one key used since its last run: gathered by the monitoring
/// service from the flushed usage of this node and the store's totals (which include every
/// node's flushes).
public struct KeyUsageFacts: Sendable, Equatable {
    public var keyID: KeyID
    public var owner: String
    /// The key's own environment (`live`, `test`, …).
    public var environment: String
    /// The owner's registry entry, when the owner is registered.
    public var ownerEntry: OwnerEntry?
    /// VALID verifications in the window, and the last one.
    public var validUses: Int64
    public var lastValidUse: Timestamp?
    /// The first use of the key on record (earliest first sight of any caller).
    public var firstSeen: Timestamp?
    /// Caller networks used in the window, with when the store first saw each (any node).
    public var networks: [NetworkSighting]
    /// Environments the verifying services stated in the window, with verification counts.
    public var statedEnvironments: [String: Int64]
    /// Verifications of the key (all answers) in the current hour, all nodes.
    public var currentHourCount: Int64
    /// Verifications per hour over the baseline hours before the current one (missing hours count as 0).
    public var baselineHourly: [Int64]

    public init(keyID: KeyID, owner: String, environment: String, ownerEntry: OwnerEntry? = nil, validUses: Int64 = 0,
                lastValidUse: Timestamp? = nil, firstSeen: Timestamp? = nil, networks: [NetworkSighting] = [],
                statedEnvironments: [String: Int64] = [:], currentHourCount: Int64 = 0, baselineHourly: [Int64] = []) {
        self.keyID = keyID
        self.owner = owner
        self.environment = environment
        self.ownerEntry = ownerEntry
        self.validUses = validUses
        self.lastValidUse = lastValidUse
        self.firstSeen = firstSeen
        self.networks = networks
        self.statedEnvironments = statedEnvironments
        self.currentHourCount = currentHourCount
        self.baselineHourly = baselineHourly
    }
}

public struct NetworkSighting: Sendable, Equatable {
    public var network: String
    /// One address seen in it (for the message).
    public var address: String
    /// When any node first saw the key used from this network.
    public var firstSeen: Timestamp

    public init(network: String, address: String, firstSeen: Timestamp) {
        self.network = network
        self.address = address
        self.firstSeen = firstSeen
    }
}

/// Unknown and malformed keys from one source in the current hour, all nodes.
public struct GuessFacts: Sendable, Equatable {
    public var source: String
    public var notFound: Int64
    public var malformed: Int64
    public var firstSeen: Timestamp
    public var lastSeen: Timestamp

    public init(source: String, notFound: Int64, malformed: Int64, firstSeen: Timestamp, lastSeen: Timestamp) {
        self.source = source
        self.notFound = notFound
        self.malformed = malformed
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
    }
}
