import Foundation
@testable import KeywardConnectors
import Testing

@Suite("Connector HTTP layer: retries, rate limits, counting")
struct ConnectorHTTPTests {
    static let request = ConnectorRequest(method: "GET", url: "https://api.example.test/list", label: "List")

    @Test("429 and 503 are retried with backoff; the final answer is returned and every request counted")
    func retriesThrottlingAndServerErrors() async throws {
        let transport = ScriptedTransport([.success(ConnectorResponse(status: 429)), .success(ConnectorResponse(status: 503)),
                                           .success(ConnectorResponse(status: 200, body: Array("ok".utf8)))])
        let sleeps = RecordedSleeps()
        let http = ConnectorHTTP(transport: transport, sleep: sleeps.sleep)
        let response = try await http.send(Self.request)
        #expect(response.status == 200)
        #expect(response.text == "ok")
        #expect(http.requestCount == 3)
        #expect(sleeps.all.count == 2)
        #expect(sleeps.all.allSatisfy { $0 <= .seconds(20) })
    }

    @Test("Retry-After is waited for exactly")
    func honoursRetryAfter() async throws {
        let transport = ScriptedTransport([.success(ConnectorResponse(status: 429, headers: [("Retry-After", "7")])), .success(ConnectorResponse(status: 200))])
        let sleeps = RecordedSleeps()
        _ = try await ConnectorHTTP(transport: transport, sleep: sleeps.sleep).send(Self.request)
        #expect(sleeps.all == [.seconds(7)])
    }

    @Test("x-ratelimit-remaining 0 holds the next request until x-ratelimit-reset")
    func waitsForRateLimitReset() async throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let transport = ScriptedTransport([
            .success(ConnectorResponse(status: 200, headers: [("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", "1800000030")])),
            .success(ConnectorResponse(status: 200)),
        ])
        let sleeps = RecordedSleeps()
        let http = ConnectorHTTP(transport: transport, sleep: sleeps.sleep, now: { now })
        _ = try await http.send(Self.request)
        #expect(sleeps.all.isEmpty)
        _ = try await http.send(Self.request)
        #expect(sleeps.all == [.seconds(30)])
    }

    @Test("AWS's Throttling in a 400 body is retried when the policy recognises it; other 400s are answers")
    func providerThrottling() async throws {
        let throttled = FakeIAM.error(400, "Throttling", "Rate exceeded")
        let transport = ScriptedTransport([.success(throttled), .success(FakeIAM.error(400, "ValidationError", "bad"))])
        let sleeps = RecordedSleeps()
        let http = ConnectorHTTP(transport: transport, sleep: sleeps.sleep).with(retry: AWSQueryClient.retryPolicy)
        let response = try await http.send(Self.request)
        #expect(response.status == 400)
        #expect(response.text.contains("ValidationError"))
        #expect(http.requestCount == 2)
    }

    @Test("still throttled at the last attempt: a failure naming the request, no endless loop")
    func givesUp() async throws {
        let transport = ScriptedTransport(Array(repeating: .success(ConnectorResponse(status: 429)), count: 10))
        let http = ConnectorHTTP(transport: transport, retry: RetryPolicy(maxAttempts: 3), sleep: RecordedSleeps().sleep)
        await #expect(throws: ConnectorError.failed(["List: HTTP 429, still throttled after 3 attempts"])) {
            _ = try await http.send(Self.request)
        }
        #expect(http.requestCount == 3)
    }

    @Test("no answer at all is retried, then reported without the URL")
    func transportFailures() async throws {
        let transport = ScriptedTransport([.failure(.init()), .failure(.init())])
        let http = ConnectorHTTP(transport: transport, retry: RetryPolicy(maxAttempts: 2), sleep: RecordedSleeps().sleep)
        do {
            _ = try await http.send(Self.request)
            Issue.record("expected a failure")
        } catch let error as ConnectorError {
            #expect(error.failures.count == 1)
            #expect(error.failures[0].hasPrefix("List: no answer after 2 attempts"))
            #expect(!error.description.contains("api.example.test"))
        }
    }

    @Test("the authoriser runs before every attempt (a retried SigV4 request is signed again)")
    func authorisesEachAttempt() async throws {
        let transport = ScriptedTransport([.success(ConnectorResponse(status: 500)), .success(ConnectorResponse(status: 200))])
        let counter = RecordedSleeps()
        let http = ConnectorHTTP(transport: transport, sleep: RecordedSleeps().sleep)
        _ = try await http.send(Self.request) { request in
            counter.waits.withLock { $0.append(.zero) }
            request.setHeader("Authorization", "attempt \(counter.all.count)")
        }
        #expect(transport.requests.withLock { $0.map { $0.header("authorization") } } == ["attempt 1", "attempt 2"])
    }
}
