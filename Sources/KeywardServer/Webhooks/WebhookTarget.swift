import Foundation
import KeywardCore
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where one delivery connects: the URL's host (what the `Host` header and TLS SNI carry, and
/// what the certificate is checked against) and the address, resolved by keyward itself and
/// checked against the ``OutboundAddressPolicy`` on every delivery. The connection goes to that
/// address and nowhere else, so a name that resolves to a public address when checked and to
/// 127.0.0.1 a moment later (DNS rebinding) cannot reach loopback.
struct WebhookTarget: Sendable, Equatable {
    let host: String
    let address: IPAddress

    /// A delivery that may not be sent; its description is what the deliveries API shows.
    struct Refused: Error, CustomStringConvertible {
        let description: String
    }

    /// The host of a URL as AsyncHTTPClient reads it (IPv6 without its brackets), so the address
    /// given for it is the one the client uses.
    static func host(of url: String) -> String? {
        guard let host = URL(string: url)?.host, !host.isEmpty else { return nil }
        return host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
    }

    /// Refuses a subscription whose URL names a refused address literally (`http://127.1/`,
    /// `http://[::ffff:169.254.169.254]/`); names are judged at delivery, when they are resolved.
    static func checkLiteral(url: String, policy: OutboundAddressPolicy) throws {
        guard let host = host(of: url), let address = OutboundAddressPolicy.literalAddress(host: host),
              let reason = policy.refusal(of: address) else { return }
        throw KeywardError.invalidArgument("url: \(reason)")
    }

    /// Resolves the URL's host and checks every address it has: one refused address refuses the
    /// delivery (a name with a public and a private address would otherwise reach the private one
    /// whenever the client preferred it).
    static func resolve(url: String, policy: OutboundAddressPolicy) async throws -> WebhookTarget {
        guard let host = host(of: url) else { throw Refused(description: "refused: the url has no host") }
        let literal = OutboundAddressPolicy.literalAddress(host: host)
        let addresses: [IPAddress]
        if let literal {
            addresses = [literal]
        } else {
            // getaddrinfo blocks; it runs on NIO's blocking pool, not on the cooperative one.
            addresses = try await NIOThreadPool.singleton.runIfActive { try lookUp(host) }
        }
        guard let first = addresses.first else { throw Refused(description: "cannot resolve \(host): no address") }
        for address in addresses {
            if let reason = policy.refusal(of: address) {
                throw Refused(description: literal != nil ? "refused: \(reason)" : "refused: \(host) resolves to \(reason)")
            }
        }
        return WebhookTarget(host: host, address: first)
    }

    /// Every address of `host` (IPv4 and IPv6), in the resolver's order.
    static func lookUp(_ host: String) throws -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0, let list else {
            throw Refused(description: "cannot resolve \(host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(list) }
        var addresses: [IPAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = list
        while let entry = cursor {
            if let raw = entry.pointee.ai_addr {
                let socketAddress: SocketAddress?
                switch entry.pointee.ai_family {
                case AF_INET: socketAddress = raw.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { SocketAddress($0.pointee, host: host) }
                case AF_INET6: socketAddress = raw.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { SocketAddress($0.pointee, host: host) }
                default: socketAddress = nil
                }
                if let address = IPAddress(socketAddress), !addresses.contains(address) { addresses.append(address) }
            }
            cursor = entry.pointee.ai_next
        }
        return addresses
    }
}
