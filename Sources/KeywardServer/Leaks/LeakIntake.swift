import Foundation
import Hummingbird
import KeywardAPI
import KeywardCore
import KeywardSettings
import KeywardStore
import Logging

/// Leak intake of one node: authenticates a report by its signature (GitHub's ECDSA keys or
/// keyward's HMAC secret), parses and bounds it, and has the key service act on the keyward
/// keys in it (revoke, finding, `key.leaked`), answering in GitHub's feedback format.
///
/// Neither endpoint takes a bearer credential: a leak reporter (GitHub) cannot hold one, and
/// the signature over the raw body is the stronger proof. Nothing a report carries reaches a
/// log, an error message or the audit log except hashes, URLs and the reporter's labels.
final class LeakIntake: Sendable {
    let node: KeywardNode
    let configuration: LeakConfiguration
    let keyring: GitHubKeyring?
    let gate: LeakGate
    /// Reports that arrive while a leak transaction runs are acted on together in the next one
    /// (one key look-up, one UPDATE per reporter, one audit append), which keeps a flood of
    /// reports from queueing one transaction each. A caller answers only after the commit that
    /// holds its report, so an accepted report (200) is durable; a failing batch is retried
    /// report by report.
    let batcher: GroupCommit<LeakReportBatch, [LeakOutcome]>
    /// Sightings per leak transaction: bounded so that one transaction stays short.
    static let sightingsPerTransaction = 5000
    let replays = ReplayCache()

    init(node: KeywardNode) {
        self.node = node
        let configuration = node.configuration.leaks
        self.configuration = configuration
        keyring = configuration.githubKeysPath.map { GitHubKeyring(path: $0, logger: node.logger) }
        gate = LeakGate(limit: configuration.maxInFlight)
        let keys = node.keys
        let action = configuration.action
        batcher = GroupCommit(capacity: Self.sightingsPerTransaction, weight: { $0.sightings.count }) { reports in
            try await keys.respondToLeaks(reports, action: action)
        }
    }

    // MARK: GitHub

    func gitHub(_ request: Request, context: KeywardRequestContext) async throws -> Response {
        guard let keyring else {
            throw APIError(.serviceUnavailable, code: "leak_intake_not_configured", message:
                "GitHub secret scanning is not configured on this server: start it with --github-keys FILE (KEYWARD_GITHUB_KEYS_FILE)")
        }
        let body = try await Self.body(request, context: context)
        do throws(GitHubKeyring.Failure) {
            try keyring.verify(
                body, identifier: request.headers[LeakHeaders.gitHubKeyIdentifier], signature: request.headers[LeakHeaders.gitHubKeySignature]
            )
        } catch .unavailable(let message) {
            throw APIError(.serviceUnavailable, code: "github_keys_unavailable", message: message)
        } catch .rejected(let message) {
            throw Self.unauthorized(message)
        }
        return try await admitted { () async throws -> Response in
            let payload = try LeakPayload(body, format: node.verifier.format, configuration: configuration, acceptsHashes: false, strict: false)
            let reporter = LeakReporter(name: "github", address: context.clientAddress)
            let feedback = try await act(on: payload, reporter: reporter).map { item, outcome in
                LeakFeedback(tokenHash: item.hash.hex, tokenType: item.tokenType, label: outcome.label)
            }
            return try JSONBody.response(feedback)
        }
    }

    // MARK: signed reports

    func report(_ request: Request, context: KeywardRequestContext) async throws -> Response {
        guard !configuration.reportSecrets.isEmpty else {
            throw APIError(.serviceUnavailable, code: "leak_intake_not_configured", message:
                "signed leak reports are not configured on this server: set KEYWARD_LEAK_REPORT_SECRET or --leak-report-secret-file FILE")
        }
        let body = try await Self.body(request, context: context)
        let now = node.clock.now()
        let timestamp: Int64
        do throws(LeakReportSignature.Failure) {
            timestamp = try LeakReportSignature.verify(
                body, timestamp: request.headers[LeakHeaders.timestamp], signature: request.headers[LeakHeaders.signature],
                secrets: configuration.reportSecrets, now: now, toleranceSeconds: configuration.timestampToleranceSeconds
            )
        } catch {
            throw Self.unauthorized(error.description)
        }
        return try await admitted { () async throws -> Response in
            let nowSeconds = now.millisecondsSinceEpoch / 1000
            // Keyed by what was signed, not by the header: the same body and timestamp sent again
            // with the signature values reordered or padded is still the same report.
            let replayKey = "\(timestamp):" + body.withUnsafeBytes { KeyHash(of: $0).hex }
            if replays.contains(replayKey, nowSeconds: nowSeconds) {
                throw Self.unauthorized("this signed report was already processed (a replay); sign each report afresh")
            }
            let reporterName = try Self.reporterName(request.headers[LeakHeaders.reporter])
            let payload = try LeakPayload(body, format: node.verifier.format, configuration: configuration, acceptsHashes: true, strict: true)
            let reporter = LeakReporter(name: reporterName, address: context.clientAddress)
            let feedback = try await act(on: payload, reporter: reporter).map { item, outcome in
                LeakFeedback(tokenHash: item.hash.hex, tokenType: item.tokenType, label: outcome.label, action: outcome.action.rawValue,
                             keyID: outcome.keyID?.description)
            }
            replays.remember(replayKey, until: timestamp + configuration.timestampToleranceSeconds + 1, nowSeconds: nowSeconds)
            return try JSONBody.response(feedback)
        }
    }

    // MARK: shared

    /// Runs `body` inside the in-flight bound, or answers 429 with Retry-After. Entered only
    /// with a report received whole and authenticated: a body still arriving is bounded by the
    /// connection's body deadline and minimum rate (``ConnectionGuard``), not by a slot, so
    /// senders that never finish (or never sign) cannot hold the slots a signed report needs.
    private func admitted(_ body: () async throws -> Response) async throws -> Response {
        guard gate.tryEnter() else {
            throw APIError(.tooManyRequests, code: "too_many_reports", message:
                "this node is working on \(gate.limit) leak reports already; retry shortly", headers: [.retryAfter: "1"])
        }
        defer { gate.leave() }
        return try await body()
    }

    /// Looks the candidate tokens up and acts on the keyward keys among them; returns each
    /// item with its outcome, in the order reported.
    private func act(on payload: LeakPayload, reporter: LeakReporter) async throws -> [(LeakPayload.Item, LeakOutcome)] {
        let candidates = payload.items.filter(\.isCandidate)
        let sightings = candidates.map { LeakSighting(hash: $0.hash, tokenType: $0.tokenType, url: $0.url, source: $0.source) }
        var outcomes: [LeakOutcome] = []
        if !sightings.isEmpty { outcomes = try await batcher.submit(LeakReportBatch(sightings: sightings, reporter: reporter)) }
        outcomes.reverse()
        let paired = payload.items.map { item -> (LeakPayload.Item, LeakOutcome) in
            (item, item.isCandidate ? outcomes.removeLast() : .unknown)
        }
        let keys = paired.filter { $0.1.keyID != nil }
        node.logger.info("leak report", metadata: [
            "reporter": .string(reporter.name), "tokens": .stringConvertible(payload.items.count), "keyward_keys": .stringConvertible(keys.count),
            "revoked": .stringConvertible(keys.filter { if case .revoked = $0.1 { return true } else { return false } }.count),
        ])
        return paired
    }

    static func body(_ request: Request, context: KeywardRequestContext) async throws -> [UInt8] {
        Array(try await request.body.collect(upTo: context.maxUploadSize).readableBytesView)
    }

    static func unauthorized(_ message: String) -> APIError {
        APIError(.unauthorized, code: "invalid_signature", message: message)
    }

    /// `keyward-reporter`: 1-64 letters, digits, `.`, `_`, `-`; `leak-report` when absent.
    static func reporterName(_ header: String?) throws(APIError) -> String {
        guard let header, !header.isEmpty else { return "leak-report" }
        guard header.utf8.count <= 64, header.utf8.allSatisfy({ Base62.isDigit($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }),
              header != "github" else {
            throw .badRequest("\(LeakReportSignature.reporterHeader) must be 1-64 letters, digits, '.', '_' or '-' (and not \"github\")")
        }
        return header
    }
}
