import HTTPTypes
import KeywardCore
import NIOCore
import NIOEmbedded
import NIOHTTPTypes
import Testing
@testable import KeywardServer

/// ``VerifyFastPath`` in an `EmbeddedChannel`: request parts written in as the HTTP codec would
/// deliver them, what reaches the router read out at the other end, router answers written back
/// through it. Deterministic: no sockets, no sleeps, every flush and read visible.
@Suite("Verify fast path handler")
struct VerifyFastPathHandlerTests {
    /// The handler between a read counter (the socket's side) and an event recorder (the router's side).
    struct Harness {
        let channel: EmbeddedChannel
        let reads: ReadCounter
        let events: EventRecorder

        init(_ node: KeywardNode, maxBodyBytes: Int = 1024) throws {
            reads = ReadCounter()
            events = EventRecorder()
            channel = EmbeddedChannel()
            try channel.pipeline.syncOperations.addHandlers(
                reads, VerifyFastPath(endpoint: node.verifyEndpoint, maxBodyBytes: maxBodyBytes, serverName: "keyward"), events)
        }

        /// Delivers parts as one socket read (one read-complete at the end).
        func read(_ parts: [HTTPRequestPart], complete: Bool = true) {
            for part in parts { channel.pipeline.syncOperations.fireChannelRead(NIOAny(part)) }
            if complete { channel.pipeline.syncOperations.fireChannelReadComplete() }
        }

        /// Everything the router has been handed so far.
        func routed() throws -> [HTTPRequestPart] {
            var parts: [HTTPRequestPart] = []
            while let part = try channel.readInbound(as: HTTPRequestPart.self) { parts.append(part) }
            return parts
        }

        /// Everything flushed to the socket so far.
        func written() throws -> [HTTPResponsePart] {
            var parts: [HTTPResponsePart] = []
            while let part = try channel.readOutbound(as: HTTPResponsePart.self) { parts.append(part) }
            return parts
        }

        /// The router answers one request.
        func routerAnswers(_ status: HTTPResponse.Status = .ok) throws {
            try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: status)))
            try channel.writeOutbound(HTTPResponsePart.end(nil))
        }
    }

    final class ReadCounter: ChannelOutboundHandler {
        typealias OutboundIn = Any
        var count = 0
        func read(context: ChannelHandlerContext) {
            count += 1
            context.read()
        }
    }

    final class EventRecorder: ChannelInboundHandler {
        typealias InboundIn = Any
        var quiesced = 0
        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if event is ChannelShouldQuiesceEvent { quiesced += 1 }
            context.fireUserInboundEventTriggered(event)
        }
    }

    static func verification(token: String?, body: String, fields: [HTTPField] = []) -> [HTTPRequestPart] {
        var headers = HTTPFields(fields)
        if let token { headers[.authorization] = "Bearer \(token)" }
        let head = HTTPRequest(method: .post, scheme: nil, authority: "127.0.0.1", path: "/v1/verify", headerFields: headers)
        return [.head(head), .body(ByteBuffer(string: body)), .end(nil)]
    }

    /// The body of an event-loop answer (head, body, end), checked for shape.
    static func answerBody(_ parts: [HTTPResponsePart]) -> String? {
        guard parts.count == 3, case .head(let head) = parts[0], head.status == .ok, head.headerFields[.server] == "keyward",
              case .body(let body) = parts[1], head.headerFields[.contentLength] == String(body.readableBytes), case .end(nil) = parts[2]
        else { return nil }
        return String(buffer: body)
    }

    /// A node with its keys, for a test that needs no socket.
    static func withNode(_ body: (ServerFixture, _ key: String, _ reader: String) async throws -> Void) async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.whileRunning({}) {
            let (key, _, reader) = try await fixture.issueKeys()
            try await body(fixture, key, reader)
        }
    }

    @Test("a verification is answered on the event loop and flushed once the read completes")
    func answers() async throws {
        try await Self.withNode { fixture, key, _ in
            let harness = try Harness(fixture.node)
            harness.read(Self.verification(token: fixture.admin, body: #"{"key":"\#(key)"}"#), complete: false)
            #expect(try harness.routed().isEmpty)
            #expect(try harness.written().isEmpty, "not flushed before the read completes")
            harness.read([])
            #expect(Self.answerBody(try harness.written())?.contains(#""code":"VALID""#) == true)
            #expect(fixture.node.verifier.index.lookup(KeyHash(of: key))?.unflushedUses == 1)
        }
    }

    @Test("pipelined behind a router request, verifications go to the router until its answers have passed")
    func pipelining() async throws {
        try await Self.withNode { fixture, key, _ in
            let harness = try Harness(fixture.node)
            let list = HTTPRequest(method: .get, scheme: nil, authority: "127.0.0.1", path: "/v1/keys", headerFields: [:])
            let verification = Self.verification(token: fixture.admin, body: #"{"key":"\#(key)"}"#)
            harness.read([.head(list), .end(nil)] + verification)
            #expect(try harness.routed() == [.head(list), .end(nil)] + verification)
            #expect(try harness.written().isEmpty)
            try harness.routerAnswers()
            harness.read(verification)
            #expect(try harness.routed() == verification, "the routed verification is still unanswered")
            try harness.routerAnswers()
            try harness.routerAnswers()
            _ = try harness.written()
            harness.read(verification)
            #expect(try harness.routed().isEmpty)
            #expect(Self.answerBody(try harness.written())?.contains(#""code":"VALID""#) == true)
        }
    }

    @Test("an over-limit body, Expect and Connection: close are handed over as they came")
    func handOvers() async throws {
        try await Self.withNode { fixture, key, _ in
            let harness = try Harness(fixture.node, maxBodyBytes: 64)
            let body = #"{"key":"\#(key)"}"#
            // Chunked (no Content-Length): the limit is found while buffering.
            let head = HTTPRequest(method: .post, scheme: nil, authority: "127.0.0.1", path: "/v1/verify",
                                   headerFields: [.authorization: "Bearer \(fixture.admin)"])
            let first = ByteBuffer(string: String(repeating: " ", count: 40))
            let second = ByteBuffer(string: String(repeating: " ", count: 40) + body)
            harness.read([.head(head), .body(first), .body(second), .end(nil)])
            #expect(try harness.routed() == [.head(head), .body(first), .body(second), .end(nil)])
            try harness.routerAnswers(.contentTooLarge)
            for field in [HTTPField(name: .expect, value: "100-continue"), HTTPField(name: .connection, value: "close")] {
                let request = Self.verification(token: fixture.admin, body: body, fields: [field])
                harness.read(request)
                #expect(try harness.routed() == request)
                try harness.routerAnswers()
            }
            #expect(try harness.written().count == 6, "only the router's answers")
            #expect(fixture.node.verifier.index.lookup(KeyHash(of: key))?.unflushedUses == 0, "nothing verified on the event loop")
        }
    }

    @Test("a refused credential or a bad body is handed over having spent nothing")
    func declines() async throws {
        try await Self.withNode { fixture, key, reader in
            let harness = try Harness(fixture.node)
            let cases = [
                Self.verification(token: reader, body: #"{"key":"\#(key)"}"#),  // lacks keyward:verify
                Self.verification(token: nil, body: #"{"key":"\#(key)"}"#),
                Self.verification(token: "kw_live_notakey", body: #"{"key":"\#(key)"}"#),
                Self.verification(token: fixture.admin, body: #"{"key":"#),
            ]
            for request in cases {
                harness.read(request)
                #expect(try harness.routed() == request)
                try harness.routerAnswers()
            }
            #expect(try harness.written().count == 2 * cases.count, "only the router's answers")
            let index = fixture.node.verifier.index
            #expect(index.lookup(KeyHash(of: reader))?.unflushedUses == 0)
            #expect(index.lookup(KeyHash(of: key))?.unflushedUses == 0)
            #expect(index.lookup(KeyHash(of: fixture.admin))?.unflushedUses == 0, "the bad body was refused before the credential was checked")
        }
    }

    @Test("a shutdown notice is held while a verification is read, and passed on after its answer is flushed")
    func quiesce() async throws {
        try await Self.withNode { fixture, key, _ in
            let harness = try Harness(fixture.node)
            let parts = Self.verification(token: fixture.admin, body: #"{"key":"\#(key)"}"#)
            harness.read(Array(parts.prefix(2)))
            harness.channel.pipeline.syncOperations.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
            #expect(harness.events.quiesced == 0)
            harness.read([parts[2]], complete: false)
            #expect(harness.events.quiesced == 1)
            #expect(Self.answerBody(try harness.written())?.contains(#""code":"VALID""#) == true, "flushed before the notice went on")
            // Between requests it goes on at once.
            harness.channel.pipeline.syncOperations.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
            #expect(harness.events.quiesced == 2)
        }
    }

    @Test("reads are held while the socket is not writable")
    func backPressure() async throws {
        try await Self.withNode { fixture, _, _ in
            let harness = try Harness(fixture.node)
            harness.channel.read()
            #expect(harness.reads.count == 1)
            harness.channel.isWritable = false
            harness.channel.read()
            #expect(harness.reads.count == 1)
            harness.channel.pipeline.syncOperations.fireChannelWritabilityChanged()
            #expect(harness.reads.count == 1)
            harness.channel.isWritable = true
            harness.channel.pipeline.syncOperations.fireChannelWritabilityChanged()
            #expect(harness.reads.count == 2)
        }
    }
}
