import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Every decision of ``VerifyFastPath``, kept apart from the channel that carries them out.
///
/// In the style of swift-nio's state machines: the handler reports each event (a request part
/// read, a router answer ending, a shutdown notice, a change of writability) and executes the
/// action it gets back; this type does no I/O, so every decision can be tested without a
/// channel. What it decides:
///
/// - which requests it may answer itself: `POST /v1/verify` with a body within the limit,
///   without `Expect` or `Connection: close`, while the index is current and no request handed
///   to the router is still unanswered (so that pipelined answers stay in request order);
/// - when a request it started reading goes to the router after all (a body over the limit or
///   beyond what the shared ``VerifyBufferBudget`` has left, trailers, or a verification the
///   endpoint declines), with what it had buffered;
/// - when to flush the answers it wrote (once per socket read), when to hold a graceful-shutdown
///   notice (while a verification is being read) and when to hold reads (while the socket
///   cannot take more output: answers written here bypass the async channel's back-pressure).
struct VerifyFastPathStateMachine {
    private enum State {
        /// Between requests.
        case idle
        /// Reading a verification it may answer: the head, and the body so far.
        case buffering(HTTPRequest, ByteBuffer?)
        /// The request has ended and the handler is answering it (``answered()`` or ``declined()`` follows).
        case answering(HTTPRequest, ByteBuffer)
        /// The current request belongs to the router.
        case passing
        /// Only while a buffered body is being appended to, so that the append does not copy it.
        case modifying
    }

    let maxBodyBytes: Int
    /// Shared by every connection: buffered bodies are taken from it and given back when they are
    /// answered, handed over or dropped with their connection.
    let budget: VerifyBufferBudget
    private var state = State.idle
    /// Requests handed to the router whose answer has not ended yet.
    private var routerRequestsOpen = 0
    /// Answers written since the last flush.
    private var flushPending = false
    /// A read held back while the connection cannot take more output.
    private var readHeld = false
    /// A graceful-shutdown notice held back until the verification being read is answered.
    private var quiesceHeld = false

    init(maxBodyBytes: Int, budget: VerifyBufferBudget = VerifyBufferBudget(bytes: .max)) {
        self.maxBodyBytes = maxBodyBytes
        self.budget = budget
    }

    /// What to do with a request part that was read.
    enum ReadAction: Equatable {
        /// Pass it on to the router as it came.
        case forward
        /// Nothing yet: it is part of a verification being buffered.
        case buffer
        /// The verification is complete: answer it, then report ``answered()``, or ``declined()``
        /// when the router must answer it.
        case answer(HTTPRequest, ByteBuffer)
        /// Pass the buffered request on to the router (head, then the body read so far, if any),
        /// followed by `then`; then carry out `quiesce`.
        case handOver(HTTPRequest, ByteBuffer?, then: HTTPRequestPart, quiesce: QuiesceAction)
    }

    /// What to do about a graceful-shutdown notice.
    enum QuiesceAction: Equatable {
        /// None is held, or the one held must wait.
        case none
        /// Pass the notice on, after flushing the answers written so far when `flush`.
        case forward(flush: Bool)
    }

    /// Whether to pass a read on to the socket.
    enum ReadDemand: Equatable {
        case read
        case none
    }

    /// A request head. `indexIsCurrent` is false while VALID answers need confirming against the
    /// store, which only the router does.
    mutating func receivedHead(_ head: HTTPRequest, indexIsCurrent: Bool) -> ReadAction {
        switch state {
        case .idle:
            if routerRequestsOpen == 0, indexIsCurrent, takes(head) {
                state = .buffering(head, nil)
                return .buffer
            }
            routerRequestsOpen += 1
            state = .passing
            return .forward
        case .buffering(let buffered, let body):
            // A head inside a request cannot come from the HTTP decoder: hand both on as they came.
            budget.release(body?.readableBytes ?? 0)
            routerRequestsOpen += 2
            state = .passing
            return .handOver(buffered, body, then: .head(head), quiesce: releaseQuiesce())
        case .passing:
            return .forward
        case .answering, .modifying:
            preconditionFailure("a request part arrived while a verification was being answered")
        }
    }

    /// A piece of a request body.
    mutating func receivedBody(_ chunk: ByteBuffer) -> ReadAction {
        switch state {
        case .idle, .passing:
            return .forward
        case .buffering(let head, var body):
            let buffered = body?.readableBytes ?? 0
            if buffered + chunk.readableBytes > maxBodyBytes || !budget.reserve(chunk.readableBytes) {
                // The router answers 413 when the body is over the route's limit too (a chunked
                // body has no Content-Length to refuse it by earlier), and otherwise reads it after
                // authenticating, which this handler cannot do before the body is complete.
                budget.release(buffered)
                routerRequestsOpen += 1
                state = .passing
                return .handOver(head, body, then: .body(chunk), quiesce: releaseQuiesce())
            }
            // Drop the state's reference first, so that appending to the body does not copy it.
            state = .modifying
            if body == nil {
                body = chunk
            } else {
                var chunk = chunk
                body!.writeBuffer(&chunk)
            }
            state = .buffering(head, body)
            return .buffer
        case .answering, .modifying:
            preconditionFailure("a request part arrived while a verification was being answered")
        }
    }

    /// The end of a request.
    mutating func receivedEnd(_ trailers: HTTPFields?) -> ReadAction {
        switch state {
        case .idle:
            return .forward
        case .passing:
            state = .idle
            return .forward
        case .buffering(let head, let body):
            guard trailers == nil else {
                budget.release(body?.readableBytes ?? 0)
                routerRequestsOpen += 1
                state = .idle
                return .handOver(head, body, then: .end(trailers), quiesce: releaseQuiesce())
            }
            let body = body ?? ByteBuffer()
            state = .answering(head, body)
            return .answer(head, body)
        case .answering, .modifying:
            preconditionFailure("a request part arrived while a verification was being answered")
        }
    }

    /// The handler wrote the answer of the verification it was given by ``ReadAction/answer(_:_:)``.
    mutating func answered() -> QuiesceAction {
        guard case .answering(_, let body) = state else { preconditionFailure("answered() without a verification being answered") }
        budget.release(body.readableBytes)
        state = .idle
        flushPending = true
        return releaseQuiesce()
    }

    /// The endpoint will not answer the verification (a body that does not parse, a credential
    /// that does not pass): the router must, from the start.
    mutating func declined() -> ReadAction {
        guard case .answering(let head, let body) = state else { preconditionFailure("declined() without a verification being answered") }
        budget.release(body.readableBytes)
        routerRequestsOpen += 1
        state = .idle
        return .handOver(head, body, then: .end(nil), quiesce: releaseQuiesce())
    }

    /// The connection closed or the handler was removed: gives back what it had buffered.
    mutating func closed() {
        switch state {
        case .buffering(_, let body): budget.release(body?.readableBytes ?? 0)
        case .answering(_, let body): budget.release(body.readableBytes)
        case .idle, .passing, .modifying: break
        }
        state = .idle
    }

    /// The `end` of a router answer passed outbound.
    mutating func routerAnswerEnded() {
        routerRequestsOpen = max(0, routerRequestsOpen - 1)
    }

    /// The socket read has been delivered: whether answers written meanwhile must be flushed.
    /// Also asked before passing on any other inbound event, so answers go out first.
    mutating func readComplete() -> Bool {
        defer { flushPending = false }
        return flushPending
    }

    /// A graceful-shutdown notice (`ChannelShouldQuiesceEvent`) arrived.
    mutating func quiesce() -> QuiesceAction {
        switch state {
        case .buffering, .answering:
            quiesceHeld = true
            return .none
        case .idle, .passing:
            return .forward(flush: readComplete())
        case .modifying:
            preconditionFailure("a notice arrived while a body was being appended to")
        }
    }

    /// The pipeline asks for a read.
    mutating func read(isWritable: Bool) -> ReadDemand {
        guard isWritable else {
            readHeld = true
            return .none
        }
        return .read
    }

    /// The socket's writability changed.
    mutating func writabilityChanged(isWritable: Bool) -> ReadDemand {
        guard readHeld, isWritable else { return .none }
        readHeld = false
        return .read
    }

    /// Whether a request head is one the fast path may answer (the body decides the rest).
    private func takes(_ head: HTTPRequest) -> Bool {
        guard head.method == .post, head.path == "/v1/verify", head.headerFields[.expect] == nil else { return false }
        if let length = head.headerFields[.contentLength] {
            guard let bytes = Int(length), bytes <= maxBodyBytes else { return false }
        }
        for value in head.headerFields[values: .connection] where value.lowercased().contains("close") { return false }
        return true
    }

    /// Releases a held shutdown notice, once the verification it waited for has ended.
    private mutating func releaseQuiesce() -> QuiesceAction {
        guard quiesceHeld else { return .none }
        quiesceHeld = false
        return .forward(flush: readComplete())
    }
}
