import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// The production transport: AsyncHTTPClient, redirects refused (a provider API does not
/// redirect, and a redirect could carry a signed request elsewhere), each exchange bounded by a
/// timeout, response bodies bounded in size.
public struct AsyncHTTPTransport: ConnectorTransport {
    public let client: HTTPClient
    public let timeout: Duration
    public let maxResponseBytes: Int

    /// `maxResponseBytes` must hold the largest page a provider sends (an AWS credential report
    /// for 10,000 users is about 3 MiB, base64 in XML).
    public init(client: HTTPClient, timeout: Duration = .seconds(30), maxResponseBytes: Int = 64 << 20) {
        self.client = client
        self.timeout = timeout
        self.maxResponseBytes = maxResponseBytes
    }

    /// A client configured for connectors; the caller shuts it down.
    public static func makeClient(connectTimeout: Duration = .seconds(10)) -> HTTPClient {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .nanoseconds(connectTimeout.nanoseconds), read: .seconds(60)))
        configuration.decompression = .enabled(limit: .size(256 << 20))
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    public func send(_ request: ConnectorRequest) async throws -> ConnectorResponse {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for header in request.headers { outgoing.headers.add(name: header.name, value: header.value) }
        if !request.body.isEmpty { outgoing.body = .bytes(ByteBuffer(bytes: request.body)) }
        let response = try await client.execute(outgoing, timeout: .nanoseconds(timeout.nanoseconds))
        var body = try await response.body.collect(upTo: maxResponseBytes)
        return ConnectorResponse(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
                                 body: body.readBytes(length: body.readableBytes) ?? [])
    }
}

extension Duration {
    /// Whole nanoseconds (saturating), for NIO's `TimeAmount`.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : whole + attoseconds / 1_000_000_000
    }
}
