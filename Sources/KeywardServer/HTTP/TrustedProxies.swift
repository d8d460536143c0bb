import Hummingbird
import KeywardCore

/// The proxies whose `X-Forwarded-For` is believed (setting `trusted_proxies`), and the client
/// address of a request that came through them.
///
/// Each proxy appends the address it received the request from, so the header's right end is
/// written by the proxies nearest keyward and its left end by whoever sent the request: only
/// entries appended by a trusted proxy can be believed. The client is therefore the right-most
/// entry that is not itself a trusted proxy. A request whose socket peer is not a trusted proxy
/// keeps its peer address whatever it claims, so a client cannot pick its own address (and
/// with it a fresh failed-auth bucket or someone else's `allowed_cidrs`).
struct TrustedProxies: Sendable {
    static let forwardedFor = HTTPFields.Element.Name("X-Forwarded-For")!
    /// Entries looked at, from the right: a longer chain is not one keyward's own proxies wrote.
    static let maximumHops = 16

    let networks: [CIDR]

    func trusts(_ address: IPAddress) -> Bool {
        networks.contains { $0.contains(address) }
    }

    /// The client of a request from `peer` carrying these `X-Forwarded-For` values.
    func client(peer: IPAddress?, forwardedFor values: some Sequence<String>) -> IPAddress? {
        guard let peer, !networks.isEmpty, trusts(peer) else { return peer }
        let entries = values.flatMap { $0.split(separator: ",") }
        var client = peer
        for entry in entries.reversed().prefix(Self.maximumHops) {
            // An entry that is not an address was not written by a proxy that can be trusted:
            // the last trusted hop is as far as the chain can be followed.
            guard let address = Self.address(entry) else { return client }
            client = address
            if !trusts(address) { return address }
        }
        return client
    }

    func client(peer: IPAddress?, headers: HTTPFields) -> IPAddress? {
        guard peer != nil, !networks.isEmpty else { return peer }
        return client(peer: peer, forwardedFor: headers[values: Self.forwardedFor])
    }

    /// An entry as proxies write it: an address, possibly with a port (`1.2.3.4:80`, `[::1]:80`).
    static func address(_ entry: Substring) -> IPAddress? {
        var text = entry.trimmingSpaces
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            text = text[text.index(after: text.startIndex)..<close]
        } else if text.filter({ $0 == ":" }).count == 1, let colon = text.firstIndex(of: ":") {
            text = text[..<colon]
        }
        return IPAddress(text)
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var text = self
        while text.first == " " || text.first == "\t" { text.removeFirst() }
        while text.last == " " || text.last == "\t" { text.removeLast() }
        return text
    }
}

/// Resolves each request's client address once, for every route and the dashboard: through
/// ``TrustedProxies`` when the socket peer is one of them, else the peer itself.
struct ClientAddressMiddleware: RouterMiddleware {
    typealias Context = KeywardRequestContext
    let proxies: TrustedProxies

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !proxies.networks.isEmpty else { return try await next(request, context) }
        var context = context
        context.forwardedClient = proxies.client(peer: IPAddress(context.remoteAddress), headers: request.headers)
        return try await next(request, context)
    }
}
