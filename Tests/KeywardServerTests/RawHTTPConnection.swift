import Foundation
import NIOCore
import NIOPosix

/// One TCP connection that sends bytes exactly as given and reads HTTP/1.1 answers back, for what
/// an HTTP client library will not do: pipelining, a body in pieces, a chunked body.
struct RawHTTPConnection {
    struct Answer {
        var status: Int
        var headers: [(String, String)]
        var body: String

        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    }

    enum Failure: Error { case malformed(String), closed }

    private var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private var buffer = ByteBuffer()

    /// Connects to 127.0.0.1:`port` (from the local address `from`, when given), runs `body`, closes.
    static func with<T: Sendable>(port: Int, from local: String? = nil, _ body: (inout RawHTTPConnection) async throws -> T) async throws -> T {
        var bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        if let local { bootstrap = bootstrap.bind(to: try SocketAddress(ipAddress: local, port: 0)) }
        let channel = try await bootstrap
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var connection = RawHTTPConnection(inbound: inbound.makeAsyncIterator(), outbound: outbound)
            return try await body(&connection)
        }
    }

    private init(inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) {
        self.inbound = inbound
        self.outbound = outbound
    }

    func send(_ text: String) async throws {
        try await outbound.write(ByteBuffer(string: text))
    }

    /// The next answer; nil when the server closed the connection before starting one.
    mutating func answer() async throws -> Answer? {
        var headEnd: Int?
        while true {
            headEnd = buffer.readableBytesView.firstRange(of: Array("\r\n\r\n".utf8))?.upperBound
            if headEnd != nil { break }
            guard try await fill() else {
                if buffer.readableBytes == 0 { return nil }
                throw Failure.closed
            }
        }
        let headLength = headEnd! - buffer.readerIndex
        let head = buffer.readString(length: headLength)!
        var lines = head.split(separator: "\r\n").map(String.init)
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw Failure.malformed(head) }
        let headers = lines.compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        guard let length = headers.first(where: { $0.0.lowercased() == "content-length" }).flatMap({ Int($0.1) }) else {
            throw Failure.malformed("no content-length in \(head)")
        }
        while buffer.readableBytes < length {
            guard try await fill() else { throw Failure.closed }
        }
        return Answer(status: status, headers: headers, body: buffer.readString(length: length)!)
    }

    /// True when the server has closed its side: no further byte arrives.
    mutating func isClosed() async throws -> Bool {
        try await !fill()
    }

    private mutating func fill() async throws -> Bool {
        guard var more = try await inbound.next() else { return false }
        buffer.writeBuffer(&more)
        return true
    }
}

/// Writes one HTTP/1.1 request as text.
func rawRequest(_ method: String, _ path: String, token: String? = nil, body: String? = nil, headers: [String] = []) -> String {
    var lines = ["\(method) \(path) HTTP/1.1", "Host: 127.0.0.1"]
    if let token { lines.append("Authorization: Bearer \(token)") }
    if let body { lines += ["Content-Type: application/json", "Content-Length: \(body.utf8.count)"] }
    lines += headers
    return lines.joined(separator: "\r\n") + "\r\n\r\n" + (body ?? "")
}
