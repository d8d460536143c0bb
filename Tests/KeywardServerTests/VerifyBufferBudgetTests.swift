import HTTPTypes
import NIOCore
import Testing
@testable import KeywardServer

/// The shared bound on bytes the verify fast path buffers before authenticating.
@Suite("Verify buffer budget")
struct VerifyBufferBudgetTests {
    typealias Machine = VerifyFastPathStateMachine
    static let verify = HTTPRequest(method: .post, scheme: nil, authority: "127.0.0.1", path: "/v1/verify", headerFields: [:])

    @Test("connections share one budget: past it a verification goes to the router, and bytes come back when answered, handed over or closed")
    func sharedBudget() {
        let budget = VerifyBufferBudget(bytes: 100)
        var first = Machine(maxBodyBytes: 1000, budget: budget)
        var second = Machine(maxBodyBytes: 1000, budget: budget)
        let sixty = ByteBuffer(repeating: UInt8(ascii: "a"), count: 60)
        #expect(first.receivedHead(Self.verify, indexIsCurrent: true) == .buffer)
        #expect(first.receivedBody(sixty) == .buffer)
        #expect(budget.available == 40)
        #expect(second.receivedHead(Self.verify, indexIsCurrent: true) == .buffer)
        #expect(second.receivedBody(sixty) == .handOver(Self.verify, nil, then: .body(sixty), quiesce: .none), "over the shared budget")
        #expect(budget.available == 40)
        #expect(first.receivedEnd(nil) == .answer(Self.verify, sixty))
        _ = first.answered()
        #expect(budget.available == 100, "given back once answered")

        #expect(first.receivedHead(Self.verify, indexIsCurrent: true) == .buffer)
        #expect(first.receivedBody(sixty) == .buffer)
        first.closed()
        #expect(budget.available == 100, "given back when the connection closes mid-body")

        #expect(first.receivedHead(Self.verify, indexIsCurrent: true) == .buffer)
        #expect(first.receivedBody(sixty) == .buffer)
        #expect(first.receivedEnd(nil) == .answer(Self.verify, sixty))
        _ = first.declined()
        #expect(budget.available == 100, "given back when the router takes the request over")
    }

    @Test("a verification body is buffered up to 16 KiB per connection on the live server; larger ones still get the router's answer")
    func perConnectionBound() async throws {
        try await ServerFixture.withLive { fixture, port in
            let padding = String(repeating: " ", count: 20_000)
            let answer = try await RawHTTPConnection.with(port: port) { connection in
                try await connection.send(rawRequest("POST", "/v1/verify", token: fixture.admin, body: #"{"key":"kw_live_nonsense"\#(padding)}"#))
                return try await connection.answer()
            }
            #expect(answer?.status == 200)
            #expect(answer?.body.contains("MALFORMED") == true || answer?.body.contains("NOT_FOUND") == true, "\(answer?.body ?? "")")
        }
    }
}
