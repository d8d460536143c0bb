import Crypto

/// Who presented a key: the end client's address (as the verifying service saw it, or the peer
/// of the verify request), what the verifying service calls itself (a `caller` label, or its
/// User-Agent) and the environment it says it runs in.
///
/// Two verifications with the same four values are the same caller. ``id`` is a stable digest of
/// them, so that every node names a caller alike and the store merges their counts.
public struct CallerIdentity: Sendable, Hashable, Codable {
    public var address: String?
    public var label: String?
    public var agent: String?
    public var environment: String?

    public init(address: String? = nil, label: String? = nil, agent: String? = nil, environment: String? = nil) {
        self.address = address
        self.label = label
        self.agent = agent
        self.environment = environment
    }

    /// `cal_` + 24 hex digits of SHA-256 over the length-prefixed fields.
    public var id: String {
        var hasher = SHA256()
        for field in [address, label, agent, environment] {
            let bytes = Array((field ?? "").utf8)
            hasher.update(data: [field == nil ? 0 : 1] + withUnsafeBytes(of: UInt32(bytes.count).bigEndian, Array.init))
            hasher.update(data: bytes)
        }
        let hex = hasher.finalize().prefix(12).map { byte in
            let digits = Array("0123456789abcdef".utf8)
            return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]], as: UTF8.self)
        }
        return "cal_" + hex.joined()
    }

    /// The caller's network (IPv4 /24, IPv6 /48): the unit of "never seen from here before".
    public var network: String? {
        address.flatMap(IPAddress.init).map(\.callerNetwork)
    }
}

extension IPAddress {
    /// The network an address is judged by: /24 for IPv4 (one site or subnet), /48 for IPv6
    /// (one site's allocation), so that a client moving between addresses of one site stays known.
    public var callerNetwork: String {
        isIPv4 ? "\(CIDR.mask(self, 96 + 24))/24" : "\(CIDR.mask(self, 48))/48"
    }

    /// Where guessing is counted from: the address itself for IPv4, its /64 for IPv6 (one host
    /// can hold a whole /64, so counting single IPv6 addresses would let it spread its guesses).
    public var guessSource: IPAddress { isIPv4 ? self : CIDR.mask(self, 64) }

    public var guessSourceText: String { isIPv4 ? description : "\(guessSource)/64" }
}
