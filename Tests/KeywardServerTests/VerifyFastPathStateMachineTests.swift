import HTTPTypes
import NIOCore
import NIOHTTPTypes
import Testing
@testable import KeywardServer

/// The fast path's decisions on their own: events in, actions out, no channel.
@Suite("Verify fast path state machine")
struct VerifyFastPathStateMachineTests {
    typealias Machine = VerifyFastPathStateMachine

    static func head(_ method: HTTPRequest.Method = .post, _ path: String = "/v1/verify", _ fields: [HTTPField] = []) -> HTTPRequest {
        HTTPRequest(method: method, scheme: nil, authority: "127.0.0.1", path: path, headerFields: HTTPFields(fields))
    }

    static let verify = head()

    @Test("a verification is buffered whole, answered, and flushed when the read completes")
    func answersAndFlushes() {
        var machine = Machine(maxBodyBytes: 100)
        #expect(machine.receivedHead(Self.verify, indexIsCurrent: true) == .buffer)
        #expect(machine.receivedBody(ByteBuffer(string: "ab")) == .buffer)
        #expect(machine.receivedBody(ByteBuffer(string: "cd")) == .buffer)
        #expect(machine.readComplete() == false, "nothing written yet")
        #expect(machine.receivedEnd(nil) == .answer(Self.verify, ByteBuffer(string: "abcd")))
        #expect(machine.answered() == .none)
        #expect(machine.readComplete() == true)
        #expect(machine.readComplete() == false, "one flush per read")
        // Without a body the request is complete at its end too (the endpoint will decline it for the router's 400).
        #expect(machine.receivedHead(Self.verify, indexIsCurrent: true) == .buffer)
        #expect(machine.receivedEnd(nil) == .answer(Self.verify, ByteBuffer()))
    }

    @Test("what only the router may answer goes forward untouched", arguments: [
        head(.get, "/v1/keys"),
        head(.post, "/v1/keys"),
        head(.post, "/v1/verify", [HTTPField(name: .expect, value: "100-continue")]),
        head(.post, "/v1/verify", [HTTPField(name: .connection, value: "close")]),
        head(.post, "/v1/verify", [HTTPField(name: .connection, value: "keep-alive, Close")]),
        head(.post, "/v1/verify", [HTTPField(name: .contentLength, value: "101")]),
        head(.post, "/v1/verify", [HTTPField(name: .contentLength, value: "ten")]),
    ])
    func forwards(_ head: HTTPRequest) {
        var machine = Machine(maxBodyBytes: 100)
        #expect(machine.receivedHead(head, indexIsCurrent: true) == .forward)
        #expect(machine.receivedBody(ByteBuffer(string: "{}")) == .forward)
        #expect(machine.receivedEnd(nil) == .forward)
    }

    @Test("while the index is not current, every verification goes to the router (which confirms VALID answers)")
    func staleIndex() {
        var machine = Machine(maxBodyBytes: 100)
        #expect(machine.receivedHead(Self.verify, indexIsCurrent: false) == .forward)
        #expect(machine.receivedEnd(nil) == .forward)
        machine.routerAnswerEnded()
        #expect(machine.receivedHead(Self.verify, indexIsCurrent: true) == .buffer)
    }

    @Test("while a router request is unanswered, verifications behind it go to the router too, so answers keep request order")
    func pipelining() {
        var machine = Machine(maxBodyBytes: 100)
        #expect(machine.receivedHead(Self.head(.get, "/v1/keys"), indexIsCurrent: true) == .forward)
        #expect(machine.receivedEnd(nil) == .forward)
        #expect(machine.receivedHead(Self.verify, indexIsCurrent: true) == .forward)
        #expect(machine.receivedEnd(nil) == .forward)
        machine.routerAnswerEnded()
        #expect(machine.receivedHead(Self.verify, indexIsCurrent: true) == .forward, "the routed verification is still unanswered")
        #expect(machine.receivedEnd(nil) == .forward)
        machine.routerAnswerEnded()
        machine.routerAnswerEnded()
        #expect(machine.receivedHead(Self.verify, indexIsCurrent: true) == .buffer)
    }

    @Test("a body over the limit is handed over with what was buffered; the rest of the request follows it")
    func overLimit() {
        var machine = Machine(maxBodyBytes: 4)
        #expect(machine.receivedHead(Self.verify, indexIsCurrent: true) == .buffer)
        #expect(machine.receivedBody(ByteBuffer(string: "abc")) == .buffer)
        #expect(machine.receivedBody(ByteBuffer(string: "de")) == .handOver(Self.verify, ByteBuffer(string: "abc"), then: .body(ByteBuffer(string: "de")), quiesce: .none))
        #expect(machine.receivedBody(ByteBuffer(string: "f")) == .forward)
        #expect(machine.receivedEnd(nil) == .forward)
        #expect(machine.receivedHead(Self.verify, indexIsCurrent: true) == .forward, "its answer is still to come")
        #expect(machine.receivedEnd(nil) == .forward)
        machine.routerAnswerEnded()
        machine.routerAnswerEnded()
        #expect(machine.receivedHead(Self.verify, indexIsCurrent: true) == .buffer)
        // A first chunk over the limit: nothing was buffered.
        var fresh = Machine(maxBodyBytes: 4)
        #expect(fresh.receivedHead(Self.verify, indexIsCurrent: true) == .buffer)
        #expect(fresh.receivedBody(ByteBuffer(string: "abcde")) == .handOver(Self.verify, nil, then: .body(ByteBuffer(string: "abcde")), quiesce: .none))
    }

    @Test("trailers and a verification the endpoint declines go to the router whole")
    func handOvers() {
        var machine = Machine(maxBodyBytes: 100)
        let trailers = HTTPFields([HTTPField(name: HTTPField.Name("X-Trailer")!, value: "1")])
        #expect(machine.receivedHead(Self.verify, indexIsCurrent: true) == .buffer)
        #expect(machine.receivedBody(ByteBuffer(string: "{}")) == .buffer)
        #expect(machine.receivedEnd(trailers) == .handOver(Self.verify, ByteBuffer(string: "{}"), then: .end(trailers), quiesce: .none))
        machine.routerAnswerEnded()
        #expect(machine.receivedHead(Self.verify, indexIsCurrent: true) == .buffer)
        #expect(machine.receivedEnd(nil) == .answer(Self.verify, ByteBuffer()))
        #expect(machine.declined() == .handOver(Self.verify, ByteBuffer(), then: .end(nil), quiesce: .none))
        #expect(machine.readComplete() == false, "nothing was written")
        #expect(machine.receivedHead(Self.verify, indexIsCurrent: true) == .forward, "the declined one is the router's now")
        #expect(machine.receivedEnd(nil) == .forward)
        machine.routerAnswerEnded()
        machine.routerAnswerEnded()
        // A second head inside a request is not something the HTTP decoder sends; it goes on as it came.
        let other = Self.head(.get, "/healthz")
        #expect(machine.receivedHead(Self.verify, indexIsCurrent: true) == .buffer)
        #expect(machine.receivedHead(other, indexIsCurrent: true) == .handOver(Self.verify, nil, then: .head(other), quiesce: .none))
    }

    @Test("a shutdown notice waits for the verification being read, then goes on after its answer is flushed")
    func quiesce() {
        var machine = Machine(maxBodyBytes: 100)
        #expect(machine.quiesce() == .forward(flush: false), "between requests it goes on at once")
        #expect(machine.receivedHead(Self.verify, indexIsCurrent: true) == .buffer)
        #expect(machine.quiesce() == .none)
        #expect(machine.receivedBody(ByteBuffer(string: "{}")) == .buffer)
        #expect(machine.receivedEnd(nil) == .answer(Self.verify, ByteBuffer(string: "{}")))
        #expect(machine.answered() == .forward(flush: true))
        #expect(machine.readComplete() == false, "flushed with the notice")

        // Handed over instead: the notice follows the request to the router.
        #expect(machine.receivedHead(Self.verify, indexIsCurrent: true) == .buffer)
        #expect(machine.quiesce() == .none)
        #expect(machine.receivedEnd(nil) == .answer(Self.verify, ByteBuffer()))
        #expect(machine.declined() == .handOver(Self.verify, ByteBuffer(), then: .end(nil), quiesce: .forward(flush: false)))

        // A pending answer is flushed before a notice that arrives between requests.
        machine.routerAnswerEnded()
        #expect(machine.receivedHead(Self.verify, indexIsCurrent: true) == .buffer)
        #expect(machine.receivedEnd(nil) == .answer(Self.verify, ByteBuffer()))
        #expect(machine.answered() == .none)
        #expect(machine.quiesce() == .forward(flush: true))
    }

    @Test("reads are held while the socket cannot take more output, and resumed when it can")
    func backPressure() {
        var machine = Machine(maxBodyBytes: 100)
        #expect(machine.read(isWritable: true) == .read)
        #expect(machine.writabilityChanged(isWritable: true) == .none, "no read was held")
        #expect(machine.read(isWritable: false) == .none)
        #expect(machine.writabilityChanged(isWritable: false) == .none)
        #expect(machine.writabilityChanged(isWritable: true) == .read)
        #expect(machine.writabilityChanged(isWritable: true) == .none, "the held read was passed on once")
    }
}
