import KeywardCore
import Testing

/// Which webhook targets are refused (SSRF): every range, every spelling of an address.
@Suite("Outbound address policy")
struct OutboundAddressPolicyTests {
    static let policy = OutboundAddressPolicy()

    static func refusal(_ text: String) -> String? {
        guard let address = OutboundAddressPolicy.literalAddress(host: text) else { return "not an address: \(text)" }
        return policy.refusal(of: address)
    }

    @Test("every refused range, IPv4 and IPv6, names its kind", arguments: [
        ("127.0.0.1", "loopback"), ("127.255.0.9", "loopback"), ("::1", "loopback"),
        ("10.1.2.3", "private"), ("172.16.0.1", "private"), ("172.31.255.255", "private"), ("192.168.1.1", "private"),
        ("fc00::1", "private"), ("fd12:3456::1", "private"),
        ("169.254.1.1", "link-local"), ("fe80::1", "link-local"), ("febf::1", "link-local"),
        ("100.64.0.1", "carrier-grade NAT"), ("100.127.255.254", "carrier-grade NAT"),
        ("224.0.0.1", "multicast"), ("239.255.255.250", "multicast"), ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"), ("0.1.2.3", "unspecified"), ("::", "unspecified"),
        ("255.255.255.255", "broadcast"),
        ("169.254.169.254", "cloud metadata"), ("fd00:ec2::254", "cloud metadata"),
        ("192.0.0.192", "reserved"), ("240.0.0.1", "reserved"),
    ])
    func refusedRanges(address: String, kind: String) {
        let reason = Self.refusal(address)
        #expect(reason?.contains("is a \(kind) address") == true, "\(address): \(reason ?? "allowed")")
        #expect(reason?.contains("webhook_allowed_networks") == true)
    }

    @Test("odd spellings of loopback and of the metadata address are the addresses they name", arguments: [
        ("2130706433", "127.0.0.1", "loopback"), ("0x7f000001", "127.0.0.1", "loopback"), ("0X7F000001", "127.0.0.1", "loopback"),
        ("127.1", "127.0.0.1", "loopback"), ("127.0.1", "127.0.0.1", "loopback"), ("0177.0.0.1", "127.0.0.1", "loopback"),
        ("0x7f.1", "127.0.0.1", "loopback"), ("2852039166", "169.254.169.254", "cloud metadata"),
        ("0xa9fea9fe", "169.254.169.254", "cloud metadata"), ("012.0.0.1", "10.0.0.1", "private"),
    ])
    func oddIPv4Spellings(spelling: String, address: String, kind: String) {
        #expect(OutboundAddressPolicy.literalAddress(host: spelling).map { "\($0)" } == address)
        #expect(Self.refusal(spelling)?.contains("is a \(kind) address") == true, "\(spelling)")
    }

    @Test("IPv4-mapped, IPv4-compatible, NAT64 and 6to4 forms are judged by the IPv4 address inside", arguments: [
        "[::ffff:127.0.0.1]", "::ffff:7f00:1", "[::ffff:169.254.169.254]", "::127.0.0.1", "::10.0.0.1", "64:ff9b::127.0.0.1",
        "64:ff9b::a9fe:a9fe", "2002:7f00:1::1", "2002:c0a8:101::1", "[fe80::1%25eth0]",
    ])
    func embeddedIPv4(address: String) {
        #expect(Self.refusal(address) != nil, "\(address) is refused")
    }

    @Test("public addresses pass", arguments: ["93.184.216.34", "8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "[2001:4860:4860::8888]",
                                                "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1", "172.32.0.1", "100.128.0.1", "11.0.0.1"])
    func publicAddresses(address: String) {
        #expect(Self.refusal(address) == nil, "\(address): \(Self.refusal(address) ?? "")")
    }

    @Test("host names are not literals; the resolver judges them")
    func names() {
        for name in ["localhost", "hooks.example.com", "127.0.0.1.nip.io", "0x7g000001", "1.2.3.4.5"] {
            #expect(OutboundAddressPolicy.literalAddress(host: name) == nil, "\(name)")
        }
    }

    @Test("webhook_allowed_networks opts ranges back in, and only those")
    func allowedNetworks() throws {
        let policy = OutboundAddressPolicy(allowedNetworks: [try #require(CIDR("127.0.0.0/8")), try #require(CIDR("fd00:1::/32"))])
        for allowed in ["127.0.0.1", "2130706433", "::ffff:127.0.0.1", "fd00:1::5"] {
            let address = try #require(OutboundAddressPolicy.literalAddress(host: allowed))
            #expect(policy.refusal(of: address) == nil, "\(allowed)")
        }
        for refused in ["10.0.0.1", "169.254.169.254", "::1", "fd00:2::5"] {
            let address = try #require(OutboundAddressPolicy.literalAddress(host: refused))
            #expect(policy.refusal(of: address) != nil, "\(refused)")
        }
    }
}
