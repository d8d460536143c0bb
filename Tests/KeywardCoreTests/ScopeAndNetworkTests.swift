import KeywardCore
import Testing

@Suite("Scopes and networks")
struct ScopeAndNetworkTests {
    @Test("scope grants", arguments: [
        ("billing:read", "billing:read", true),
        ("billing:read", "billing:write", false),
        ("billing:*", "billing:write", true),
        ("billing:*", "billingx", false),
        ("*", "anything:at:all", true),
        ("*", "keyward:read", false),
        ("keyward:*", "keyward:admin", false),
        ("keyward:admin", "keyward:write", true),
        ("keyward:admin", "keyward:verify", true),
        ("keyward:read", "keyward:write", false),
        ("keyward:write", "keyward:write", true),
    ])
    func grants(granted: String, required: String, expected: Bool) {
        #expect(Scope.grants(Array(granted.utf8), Array(required.utf8)) == expected)
    }

    @Test("principals need keyward:admin to manage keyward credentials")
    func principalManagement() {
        let writer = Principal(id: "key_w", scopes: [Scope.write])
        #expect(throws: KeywardError.self) { try writer.checkMayManage(scopes: [Scope.admin], action: "issuing") }
        #expect(throws: KeywardError.self) { try writer.checkMayManage(scopes: [Scope.verify], action: "issuing") }
        #expect(throws: Never.self) { try writer.checkMayManage(scopes: ["billing:read"], action: "issuing") }
        #expect(throws: Never.self) { try Principal.system("cli").checkMayManage(scopes: [Scope.admin], action: "issuing") }
    }

    @Test("CIDR membership for v4 and v6")
    func cidrs() throws {
        let v4 = try #require(CIDR("10.1.0.0/16"))
        #expect(v4.contains(try #require(IPAddress("10.1.200.3"))))
        #expect(!v4.contains(try #require(IPAddress("10.2.0.1"))))
        #expect(v4.description == "10.1.0.0/16")
        let single = try #require(CIDR("192.0.2.7"))
        #expect(single.contains(try #require(IPAddress("192.0.2.7"))))
        #expect(!single.contains(try #require(IPAddress("192.0.2.8"))))
        let v6 = try #require(CIDR("2001:db8::/32"))
        #expect(v6.contains(try #require(IPAddress("2001:db8:1::5"))))
        #expect(!v6.contains(try #require(IPAddress("2001:db9::1"))))
        #expect(!v6.contains(try #require(IPAddress("10.1.0.1"))))
        #expect(try #require(CIDR("0.0.0.0/0")).contains(try #require(IPAddress("8.8.8.8"))))
        #expect(IPAddress("[::1]")?.description == "::1")
        for bad in ["", "10.0.0.0/33", "10.0.0/8", "fe80::/129", "not-an-ip", "10.0.0.0/-1"] {
            #expect(CIDR(bad) == nil, "\(bad)")
        }
    }
}
