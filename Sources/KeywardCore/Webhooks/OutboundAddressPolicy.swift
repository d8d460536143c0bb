#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which addresses webhook deliveries may connect to.
///
/// A webhook URL is chosen by whoever holds `keyward:write`, and the deliveries API reports the
/// status code or connection error of every attempt: without this policy keyward is a port
/// scanner of its own network (loopback, the cloud metadata service, the private ranges behind
/// it). By default every address in a range that is not the public internet is refused;
/// `webhook_allowed_networks` opts chosen ranges back in (a receiver on the same private network,
/// or `127.0.0.0/8` for tests).
///
/// The policy judges the address actually connected to: the dispatcher resolves a host name
/// itself, checks every address it gets, and connects to a checked one (so a name that
/// resolves differently the next time, DNS rebinding, gains nothing).
public struct OutboundAddressPolicy: Sendable, Equatable {
    /// Ranges allowed although they fall in a refused range.
    public var allowedNetworks: [CIDR]

    public init(allowedNetworks: [CIDR] = []) {
        self.allowedNetworks = allowedNetworks
    }

    /// What a refused range is; the refusal message names it.
    public enum Category: String, Sendable {
        case loopback, `private` = "private", linkLocal = "link-local", sharedAddressSpace = "carrier-grade NAT", multicast,
             unspecified, broadcast, metadata = "cloud metadata", reserved
    }

    /// The refused ranges, most specific first (the first that contains an address names it).
    /// IPv4 ranges also cover their IPv4-mapped IPv6 forms (`::ffff:127.0.0.1`), which is how
    /// ``IPAddress`` holds every IPv4 address.
    public static let refusedRanges: [(network: CIDR, category: Category)] = ([
        ("169.254.169.254/32", .metadata), ("fd00:ec2::254/128", .metadata),
        ("255.255.255.255/32", .broadcast),
        ("0.0.0.0/8", .unspecified), ("::/128", .unspecified),
        ("127.0.0.0/8", .loopback), ("::1/128", .loopback),
        ("10.0.0.0/8", .private), ("172.16.0.0/12", .private), ("192.168.0.0/16", .private),
        ("fc00::/7", .private), ("fec0::/10", .private),
        ("100.64.0.0/10", .sharedAddressSpace),
        ("169.254.0.0/16", .linkLocal), ("fe80::/10", .linkLocal),
        ("224.0.0.0/4", .multicast), ("ff00::/8", .multicast),
        ("192.0.0.0/24", .reserved), ("198.18.0.0/15", .reserved), ("240.0.0.0/4", .reserved), ("100::/64", .reserved),
    ] as [(String, Category)]).map { (CIDR($0.0)!, $0.1) }

    /// Why a delivery may not connect to `address`, or nil when it may. An IPv6 address that
    /// embeds an IPv4 one (IPv4-compatible `::a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`)
    /// is judged by the embedded address too: any of them refused refuses it.
    public func refusal(of address: IPAddress) -> String? {
        for candidate in [address] + Self.embeddedIPv4(address) {
            if allowedNetworks.contains(where: { $0.contains(candidate) }) { continue }
            if let range = Self.refusedRanges.first(where: { $0.network.contains(candidate) }) {
                let shown = candidate == address ? "\(address)" : "\(address) (\(candidate))"
                return "\(shown) is a \(range.category.rawValue) address; webhook targets there are refused unless webhook_allowed_networks includes it"
            }
        }
        return nil
    }

    /// The IPv4 addresses an IPv6 address carries inside it.
    static func embeddedIPv4(_ address: IPAddress) -> [IPAddress] {
        guard !address.isIPv4 else { return [] }
        func v4(_ value: UInt64) -> IPAddress { IPAddress(high: 0, low: IPAddress.mappedMarker | (value & 0xFFFF_FFFF)) }
        var embedded: [IPAddress] = []
        if address.high == 0, address.low >> 32 == 0 { embedded.append(v4(address.low)) }  // ::a.b.c.d
        if address.high == 0x0064_FF9B_0000_0000, address.low >> 32 == 0 { embedded.append(v4(address.low)) }  // NAT64
        if address.high >> 48 == 0x2002 { embedded.append(v4(address.high >> 16)) }  // 6to4
        return embedded
    }

    /// The address a URL's host names when it is an IP literal in any spelling the system's
    /// resolver accepts: dotted quads, IPv6 in brackets (mapped and compatible forms included)
    /// and the old inet_aton forms that name the same address differently — `2130706433`,
    /// `0x7f000001`, `0177.0.0.1`, `127.1`. Nil for a host name.
    public static func literalAddress(host: String) -> IPAddress? {
        if let address = IPAddress(host) { return address }
        guard host.utf8.count <= 64, host.utf8.allSatisfy({ $0 != 0 && $0 != 0x20 }) else { return nil }
        var v4 = in_addr()
        guard inet_aton(host, &v4) != 0 else { return nil }
        return IPAddress(high: 0, low: IPAddress.mappedMarker | UInt64(UInt32(bigEndian: v4.s_addr)))
    }
}
