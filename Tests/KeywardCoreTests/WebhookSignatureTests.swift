import KeywardCore
import Testing

/// Standard Webhooks signing and the receiver-side verifier, replay window included.
@Suite("Webhook signatures")
struct WebhookSignatureTests {
    // The Standard Webhooks specification's published test vector.
    static let specSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    static let specID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
    static let specTimestamp: Int64 = 1_614_265_330
    static let specBody = Array(#"{"test": 2432232314}"#.utf8)
    static let specSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

    @Test("matches the Standard Webhooks test vector")
    func specVector() throws {
        let signer = try WebhookSignature(secret: Self.specSecret)
        #expect(signer.sign(id: Self.specID, timestamp: Self.specTimestamp, body: Self.specBody) == Self.specSignature)
    }

    @Test("the verifier accepts a fresh delivery and rejects replays, tampering and other secrets")
    func verifier() throws {
        let secret = WebhookSignature.generateSecret()
        let signer = try WebhookSignature(secret: secret)
        let now = Timestamp(secondsSinceEpoch: 1_800_000_000)
        let body = Array(#"{"type":"key.revoked"}"#.utf8)
        let signature = signer.sign(id: "msg_1", timestamp: 1_800_000_000, body: body)
        try signer.verify(id: "msg_1", timestamp: "1800000000", signatureHeader: signature, body: body, now: now)
        // Several signatures (a secret rotation): one match is enough.
        try signer.verify(id: "msg_1", timestamp: "1800000000", signatureHeader: "v1,AAAA \(signature)", body: body, now: now)
        #expect(throws: WebhookSignature.Failure.timestampOutsideTolerance(secondsOff: 301)) {
            try signer.verify(id: "msg_1", timestamp: "1800000000", signatureHeader: signature, body: body, now: now.adding(seconds: 301))
        }
        #expect(throws: WebhookSignature.Failure.timestampOutsideTolerance(secondsOff: -600)) {
            try signer.verify(id: "msg_1", timestamp: "1800000000", signatureHeader: signature, body: body, now: now.adding(seconds: -600))
        }
        // A replay with a fresh timestamp but the old signature fails: the timestamp is signed.
        #expect(throws: WebhookSignature.Failure.noMatchingSignature) {
            try signer.verify(id: "msg_1", timestamp: "1800000100", signatureHeader: signature, body: body, now: now.adding(seconds: 100))
        }
        #expect(throws: WebhookSignature.Failure.noMatchingSignature) {
            try signer.verify(id: "msg_1", timestamp: "1800000000", signatureHeader: signature, body: body + [32], now: now)
        }
        #expect(throws: WebhookSignature.Failure.noMatchingSignature) {
            try signer.verify(id: "msg_2", timestamp: "1800000000", signatureHeader: signature, body: body, now: now)
        }
        let other = try WebhookSignature(secret: WebhookSignature.generateSecret())
        #expect(throws: WebhookSignature.Failure.noMatchingSignature) {
            try other.verify(id: "msg_1", timestamp: "1800000000", signatureHeader: signature, body: body, now: now)
        }
        #expect(throws: WebhookSignature.Failure.missingHeaders) {
            try signer.verify(id: nil, timestamp: "1800000000", signatureHeader: signature, body: body, now: now)
        }
        #expect(throws: WebhookSignature.Failure.badTimestamp) {
            try signer.verify(id: "msg_1", timestamp: "soon", signatureHeader: signature, body: body, now: now)
        }
        #expect(throws: KeywardError.self) { try WebhookSignature(secret: "whsec_short") }
        #expect(throws: KeywardError.self) { try WebhookSignature(secret: "secret") }
    }

    @Test("backoff doubles with jitter up to the cap and gives up at the horizon")
    func backoff() {
        let backoff = WebhookBackoff(baseMilliseconds: 1000, capMilliseconds: 8000, horizonMilliseconds: 60_000)
        #expect(backoff.delay(afterFailures: 1, jitter: 1) == 1000)
        #expect(backoff.delay(afterFailures: 1, jitter: 0) == 500)
        #expect(backoff.delay(afterFailures: 3, jitter: 1) == 4000)
        #expect(backoff.delay(afterFailures: 10, jitter: 1) == 8000)
        #expect(backoff.delay(afterFailures: 200, jitter: 0.5) == 6000)
        let now = Timestamp(secondsSinceEpoch: 100)
        #expect(backoff.nextAttempt(afterFailures: 1, at: now, giveUpAt: now.adding(seconds: 60), jitter: 1) == now.adding(seconds: 1))
        #expect(backoff.nextAttempt(afterFailures: 5, at: now, giveUpAt: now.adding(seconds: 5), jitter: 1) == nil)
        // Defaults keep a receiver that is down for an hour: the horizon is days, the cap 30 minutes.
        let defaults = WebhookBackoff()
        #expect(defaults.horizonMilliseconds >= 24 * 3_600_000 && defaults.capMilliseconds <= 30 * 60_000)
    }

    @Test("event types parse strictly")
    func eventTypes() throws {
        #expect(try WebhookEventType.parse(["key.revoked", "finding.opened"]) == [.findingOpened, .keyRevoked])
        #expect(throws: KeywardError.self) { try WebhookEventType.parse(["key.nope"]) }
        #expect(throws: KeywardError.self) { try WebhookEventType.parse([]) }
        #expect(WebhookEventType.allCases.count == 10)
    }
}
