import Foundation
import Hummingbird
import HummingbirdTesting
import KeywardAPI
import KeywardCore
@testable import KeywardServer
import Testing

@Suite("Leak intake: GitHub secret scanning and signed reports", .timeLimit(.minutes(2)))
struct LeakRoutesTests {
    @Test("a GitHub-signed alert revokes the live key, opens a finding, writes key.leaked, and answers feedback")
    func gitHubAlertRevokes() async throws {
        let signer = GitHubSigner()
        try await LeakFixture.withRouter(signers: [signer]) { fixture, client in
            let leaked = try await client.issue(fixture.admin, #"{"name":"billing","owner":"team-pay"}"#)
            let bystander = try await client.issue(fixture.admin, #"{"name":"other","owner":"team-pay"}"#)
            let unknownKeyward = KeyFormat.default.generate(environment: "live").reveal()
            let github = "ghp_" + String(repeating: "a", count: 36)
            let body = alertBody([leaked.key, github, unknownKeyward, leaked.key])
            let answer = try await client.gitHubAlert(body, signer: signer)
            #expect(answer.status == .ok, "\(answer.text)")
            let feedback = try answer.decode([LeakFeedback].self)
            #expect(feedback.map(\.label) == ["true_positive", "false_positive", "false_positive", "true_positive"])
            #expect(feedback.map(\.tokenHash) == [leaked.key, github, unknownKeyward, leaked.key].map(sha256Hex))
            #expect(feedback.allSatisfy { $0.tokenType == "keyward_api_key" && $0.action == nil && $0.keyID == nil }, "GitHub gets its own three fields")
            #expect(!answer.text.contains("\"action\""))

            #expect(try await client.verify(fixture.admin, leaked.key)["code"] as? String == "REVOKED")
            #expect(try await client.verify(fixture.admin, bystander.key)["code"] as? String == "VALID")

            let findings = try await client.leakFindings(fixture.admin)
            #expect(findings.findings.count == 1)
            let finding = try #require(findings.findings.first)
            #expect(finding["severity"] as? String == "critical")
            #expect(finding["state"] as? String == "open")
            #expect((finding["subject"] as? [String: Any])?["id"] as? String == leaked.id)
            #expect((finding["frameworks"] as? [String]) == ["OWASP-NHI-2025:NHI2", "NIST-CSF-2.0:DE.CM-09", "NIST-CSF-2.0:RS.MI-01"])
            let message = finding["message"] as? String ?? ""
            #expect(message.contains("https://github.com/octo/app/blob/5f2a/config/prod.env") && message.contains("(content)") && message.contains("revoked"))

            let audit = try await client.auditEvents(fixture.admin)
            let leakedEvents = audit.events.filter { $0["action"] as? String == "key.leaked" }
            #expect(leakedEvents.count == 1, "the key appears twice in the alert but is acted on once")
            let details = try #require(leakedEvents.first?["details"] as? [String: Any])
            #expect(leakedEvents.first?["subject_id"] as? String == leaked.id)
            #expect(details["key_id"] as? String == leaked.id)
            #expect(details["url"] as? String == "https://github.com/octo/app/blob/5f2a/config/prod.env")
            #expect(details["source"] as? String == "content")
            #expect(details["token_type"] as? String == "keyward_api_key")
            #expect(details["reporter"] as? String == "github")
            #expect(details["action"] as? String == "revoked")
            let revokedEvents = audit.events.filter { $0["action"] as? String == "key.revoked" && $0["subject_id"] as? String == leaked.id }
            #expect(revokedEvents.count == 1)
            #expect(revokedEvents.first?["actor"] as? String == "leak-report:github")
            #expect(audit.events.contains { $0["action"] as? String == "finding.opened" && $0["subject_id"] as? String == finding["id"] as? String })
            // The revocation and both events commit together: key.revoked, key.leaked, finding.opened are adjacent.
            let sequences = audit.events.filter { ["key.revoked", "key.leaked", "finding.opened"].contains($0["action"] as? String) }.compactMap { $0["seq"] as? Int }
            #expect(sequences.count == 3 && sequences.max()! - sequences.min()! == 2)

            // Nothing anywhere carries the token.
            for secret in [leaked.key, github, unknownKeyward] {
                #expect(!audit.text.contains(secret))
                #expect(!findings.text.contains(secret))
                #expect(!fixture.log.text.contains(secret))
            }
            #expect(fixture.log.text.contains("leak report"))
            #expect(try await client.call(.get, "/v1/audit/verify", token: fixture.admin).json["intact"] as? Bool == true)
        }
    }

    @Test("unsigned, badly signed, tampered or unknown-identifier alerts are 401 and revoke nothing")
    func badSignatures() async throws {
        let signer = GitHubSigner()
        let impostor = GitHubSigner(identifier: signer.identifier)
        try await LeakFixture.withRouter(signers: [signer]) { fixture, client in
            let key = try await client.issue(fixture.admin, #"{"name":"k","owner":"o"}"#)
            let body = alertBody([key.key])
            var answers: [Answer] = []
            answers.append(try await client.call(.post, "/v1/leaks/github", token: nil, bytes: body))
            answers.append(try await client.gitHubAlert(body, signer: impostor))
            answers.append(try await client.gitHubAlert(body, signer: signer, identifier: "not-a-github-key"))
            var tampered = try signer.headers(alertBody([key.key], url: "https://example.com/a"))
            tampered[.contentType] = "application/json"
            answers.append(try await client.call(.post, "/v1/leaks/github", token: nil, bytes: body, headers: tampered))
            var garbage = try signer.headers(body)
            garbage[HTTPFields.Element.Name("Github-Public-Key-Signature")!] = "bm90IGEgc2lnbmF0dXJl"
            answers.append(try await client.call(.post, "/v1/leaks/github", token: nil, bytes: body, headers: garbage))
            // A bearer admin token is no substitute for the signature.
            answers.append(try await client.call(.post, "/v1/leaks/github", token: fixture.admin, bytes: body))
            for answer in answers {
                #expect(answer.status == .unauthorized, "\(answer.text)")
                #expect(answer.errorCode == "invalid_signature")
                #expect(!answer.text.contains(key.key))
            }
            #expect(answers[2].errorMessage.contains("unknown Github-Public-Key-Identifier"))
            #expect(try await client.verify(fixture.admin, key.key)["code"] as? String == "VALID")
            let audit = try await client.auditEvents(fixture.admin)
            #expect(!audit.events.contains { $0["action"] as? String == "key.leaked" || $0["action"] as? String == "key.revoked" })
            #expect(try await client.leakFindings(fixture.admin).findings.isEmpty)
            #expect(!fixture.log.text.contains(key.key))
        }
    }

    @Test("a key revoked before is a true_positive and is not revoked or reported again")
    func alreadyRevoked() async throws {
        let signer = GitHubSigner()
        try await LeakFixture.withRouter(signers: [signer]) { fixture, client in
            let key = try await client.issue(fixture.admin, #"{"name":"k","owner":"o"}"#)
            #expect(try await client.call(.post, "/v1/keys/\(key.id)/revoke", token: fixture.admin, json: #"{"reason":"retired"}"#).status == .ok)
            let first = try await client.gitHubAlert(alertBody([key.key]), signer: signer)
            #expect(first.status == .ok)
            #expect(try first.decode([LeakFeedback].self).map(\.label) == ["true_positive"])
            // A second alert for a key the first alert revoked.
            let other = try await client.issue(fixture.admin, #"{"name":"k2","owner":"o"}"#)
            #expect(try await client.gitHubAlert(alertBody([other.key]), signer: signer).status == .ok)
            let again = try await client.gitHubAlert(alertBody([other.key]), signer: signer)
            #expect(try again.decode([LeakFeedback].self).map(\.label) == ["true_positive"])
            let events = try await client.auditEvents(fixture.admin).events
            #expect(events.filter { $0["action"] as? String == "key.revoked" && $0["subject_id"] as? String == key.id }.count == 1)
            #expect(!events.contains { $0["action"] as? String == "key.leaked" && $0["subject_id"] as? String == key.id })
            #expect(events.filter { $0["action"] as? String == "key.revoked" && $0["subject_id"] as? String == other.id }.count == 1)
            #expect(events.filter { $0["action"] as? String == "key.leaked" && $0["subject_id"] as? String == other.id }.count == 1)
        }
    }

    @Test("with --leak-action report a live key is reported (finding, key.leaked) but stays valid")
    func reportOnly() async throws {
        let signer = GitHubSigner()
        try await LeakFixture.withRouter(signers: [signer], configure: { $0.leaks.action = .report }) { fixture, client in
            let key = try await client.issue(fixture.admin, #"{"name":"k","owner":"o"}"#)
            let answer = try await client.gitHubAlert(alertBody([key.key], source: "commit"), signer: signer)
            #expect(try answer.decode([LeakFeedback].self).map(\.label) == ["true_positive"])
            #expect(try await client.verify(fixture.admin, key.key)["code"] as? String == "VALID")
            let events = try await client.auditEvents(fixture.admin).events
            #expect(!events.contains { $0["action"] as? String == "key.revoked" && $0["subject_id"] as? String == key.id })
            let leaked = events.first { $0["action"] as? String == "key.leaked" }
            #expect((leaked?["details"] as? [String: Any])?["action"] as? String == "reported")
            let finding = try #require(try await client.leakFindings(fixture.admin).findings.first)
            #expect((finding["message"] as? String ?? "").contains("still live"))
            #expect((finding["remediation"] as? String ?? "").contains("keyward keys revoke \(key.id)"))
        }
    }

    @Test("oversized, over-long and malformed alerts are 4xx JSON errors and change nothing")
    func badInput() async throws {
        let signer = GitHubSigner()
        try await LeakFixture.withRouter(signers: [signer], configure: {
            $0.leaks.maxBodyBytes = 8192
            $0.leaks.maxItems = 3
        }) { fixture, client in
            let key = try await client.issue(fixture.admin, #"{"name":"k","owner":"o"}"#)
            func send(_ text: String) async throws -> Answer { try await client.gitHubAlert(Array(text.utf8), signer: signer) }
            let cases: [(String, HTTPResponse.Status)] = [
                (String(decoding: alertBody([key.key, key.key, key.key, key.key]), as: UTF8.self), .contentTooLarge),
                ("[" + String(repeating: #"{"token":"x","type":"t","url":"u","source":"s"},"#, count: 200) + "{}]", .contentTooLarge),
                (#"[{"token":"\#(String(repeating: "x", count: 1025))","type":"t"}]"#, .badRequest),
                ("not json", .badRequest),
                (#"{"token":"\#(key.key)"}"#, .badRequest),
                (#"[{"type":"t","url":"u"}]"#, .badRequest),
                (#"[{"token":42}]"#, .badRequest),
                (#"[{"token":"\#(key.key)","url":7}]"#, .badRequest),
                (#"[{"token":""}]"#, .badRequest),
                (#"[[[[[[[[[[[[]]]]]]]]]]]]"#, .badRequest),
                ("", .badRequest),
                // Strict JSON, as on every route: no trailing comma, no member given twice.
                (#"[{"token":"\#(key.key)","type":"t","url":"u","source":"s"},]"#, .badRequest),
                (#"[{"token":"\#(key.key)","type":"t","url":"u","source":"s",}]"#, .badRequest),
                (#"[{"token":"x","token":"\#(key.key)","type":"t"}]"#, .badRequest),
            ]
            for (text, status) in cases {
                let answer = try await send(text)
                #expect(answer.status == status, "\(text.prefix(60)): \(answer.status) \(answer.text)")
                #expect(answer.errorCode != nil)
                #expect(!answer.errorMessage.contains(key.key))
            }
            // Unknown members of GitHub's items are ignored (GitHub may add fields).
            let extra = try await send(#"[{"token":"abc","type":"t","url":"","source":"content","repository":{"id":1}}]"#)
            #expect(extra.status == .ok)
            #expect(try extra.decode([LeakFeedback].self).map(\.label) == ["false_positive"])
            #expect(try await send("[]").text == "[]")
            #expect(try await client.verify(fixture.admin, key.key)["code"] as? String == "VALID")
            #expect(!fixture.log.text.contains(key.key))
        }
    }

    @Test("both endpoints answer 503 until configured")
    func notConfigured() async throws {
        try await ServerFixture.withRouter { _, client in
            let body = alertBody(["abc"])
            let github = try await client.call(.post, "/v1/leaks/github", token: nil, bytes: body)
            #expect(github.status == .serviceUnavailable)
            #expect(github.errorCode == "leak_intake_not_configured")
            #expect(github.errorMessage.contains("--github-keys"))
            let report = try await client.signedReport(body, timestamp: 1_800_000_000)
            #expect(report.status == .serviceUnavailable)
            #expect(report.errorMessage.contains("KEYWARD_LEAK_REPORT_SECRET"))
        }
    }

    @Test("the public-keys file is re-read when it changes; a broken file keeps the keys loaded before")
    func keysFileReload() async throws {
        let first = GitHubSigner()
        let second = GitHubSigner()
        try await LeakFixture.withRouter(signers: [first]) { fixture, client in
            let body = alertBody(["abc"])
            #expect(try await client.gitHubAlert(body, signer: first).status == .ok)
            #expect(try await client.gitHubAlert(body, signer: second).status == .unauthorized)
            try GitHubSigner.document([second, first]).write(to: fixture.keysFile, atomically: true, encoding: .utf8)
            #expect(try await client.gitHubAlert(body, signer: second).status == .ok)
            #expect(try await client.gitHubAlert(body, signer: first).status == .ok)
            try "{ broken".write(to: fixture.keysFile, atomically: true, encoding: .utf8)
            #expect(try await client.gitHubAlert(body, signer: second).status == .ok)
            #expect(fixture.log.text.contains("unusable"))
            try FileManager.default.removeItem(at: fixture.keysFile)
            #expect(try await client.gitHubAlert(body, signer: first).status == .ok)
            let warnings = fixture.log.text.components(separatedBy: "unusable").count
            #expect(try await client.gitHubAlert(body, signer: first).status == .ok)
            #expect(try await client.gitHubAlert(body, signer: first).status == .ok)
            #expect(fixture.log.text.components(separatedBy: "unusable").count == warnings, "a missing file is logged once, not per alert")
        }
    }

    @Test("signed reports: HMAC verified, hashes accepted, replays and stale timestamps refused")
    func signedReports() async throws {
        try await LeakFixture.withRouter(signers: [GitHubSigner()]) { fixture, client in
            let now: Int64 = 1_800_000_000
            let byToken = try await client.issue(fixture.admin, #"{"name":"a","owner":"o"}"#)
            let byHash = try await client.issue(fixture.admin, #"{"name":"b","owner":"o"}"#)
            let items = [
                LeakReportItem(token: byToken.key, type: "keyward", url: "ci/config.yml:3:9", source: "content"),
                LeakReportItem(tokenHash: sha256Hex(byHash.key), type: "keyward", url: "src/a.swift:1:1@abc", source: "commit"),
                LeakReportItem(tokenHash: String(repeating: "0", count: 64), type: "keyward", url: "", source: "content"),
            ]
            let body = Array(try JSONEncoder().encode(items))
            let answer = try await client.signedReport(body, timestamp: now - 20)
            #expect(answer.status == .ok, "\(answer.text)")
            let feedback = try answer.decode([LeakFeedback].self)
            #expect(feedback.map(\.label) == ["true_positive", "true_positive", "false_positive"])
            #expect(feedback.map(\.action) == ["revoked", "revoked", "none"])
            #expect(feedback.map(\.keyID) == [byToken.id, byHash.id, nil])
            #expect(try await client.verify(fixture.admin, byHash.key)["code"] as? String == "REVOKED")
            let leaked = try await client.auditEvents(fixture.admin).events.filter { $0["action"] as? String == "key.leaked" }
            #expect(Set(leaked.compactMap { ($0["details"] as? [String: Any])?["reporter"] as? String }) == ["ci-scan"])
            #expect(leaked.allSatisfy { $0["actor"] as? String == "leak-report:ci-scan" })

            // The identical request again is a replay.
            let replay = try await client.signedReport(body, timestamp: now - 20)
            #expect(replay.status == .unauthorized)
            #expect(replay.errorMessage.contains("replay"))
            var padded = HTTPFields()
            padded[HTTPFields.Element.Name("keyward-timestamp")!] = String(now - 20)
            padded[HTTPFields.Element.Name("keyward-signature")!] = "v1=00 " + LeakReportSignature.sign(body, timestamp: now - 20, secret: try LeakReportSecret(LeakFixture.secret))
            let disguised = try await client.call(.post, "/v1/leaks/report", token: nil, bytes: body, headers: padded)
            #expect(disguised.status == .unauthorized, "a replay with its signature header padded is still a replay")
            // Outside the five-minute tolerance either way.
            let other = try await client.issue(fixture.admin, #"{"name":"c","owner":"o"}"#)
            let otherBody = Array(try JSONEncoder().encode([LeakReportItem(token: other.key, type: "k", url: "", source: "")]))
            for timestamp in [now - 301, now + 301] {
                let stale = try await client.signedReport(otherBody, timestamp: timestamp)
                #expect(stale.status == .unauthorized)
                #expect(stale.errorMessage.contains("tolerance"))
            }
            #expect(try await client.signedReport(otherBody, timestamp: now, secret: "another-secret-that-is-long-enough-000000").status == .unauthorized)
            var unsigned = HTTPFields()
            unsigned[HTTPFields.Element.Name("keyward-timestamp")!] = String(now)
            #expect(try await client.call(.post, "/v1/leaks/report", token: nil, bytes: otherBody, headers: unsigned).status == .unauthorized)
            #expect(try await client.verify(fixture.admin, other.key)["code"] as? String == "VALID")
            // Strict members, one of token or token_hash, a valid reporter name.
            #expect(try await client.signedReport(Array(#"[{"token":"x","secret":"y"}]"#.utf8), timestamp: now).status == .badRequest)
            #expect(try await client.signedReport(Array(#"[{"token":"x","token_hash":"\#(String(repeating: "a", count: 64))"}]"#.utf8), timestamp: now).status == .badRequest)
            #expect(try await client.signedReport(Array(#"[{"token_hash":"xyz"}]"#.utf8), timestamp: now).status == .badRequest)
            #expect(try await client.signedReport(otherBody, timestamp: now, reporter: "github").status == .badRequest)
            #expect(try await client.signedReport(otherBody, timestamp: now, reporter: nil).status == .ok)
            #expect(try await client.verify(fixture.admin, other.key)["code"] as? String == "REVOKED")
            #expect(!fixture.log.text.contains(byToken.key) && !fixture.log.text.contains(other.key))
        }
    }

    @Test("a flood of reports: every answer is 200 or 429 with Retry-After, every accepted report is acted on, none lost")
    func flood() async throws {
        let signer = GitHubSigner()
        try await LeakFixture.withRouter(signers: [signer], configure: { $0.leaks.maxInFlight = 2 }) { fixture, client in
            var keys: [(id: String, key: String)] = []
            for index in 0..<24 { keys.append(try await client.issue(fixture.admin, #"{"name":"k\#(index)","owner":"o"}"#)) }
            let sent = keys
            let answers = try await withThrowingTaskGroup(of: (Int, Answer).self) { group in
                for (index, key) in sent.enumerated() {
                    group.addTask { (index, try await client.gitHubAlert(alertBody([key.key]), signer: signer)) }
                }
                var answers: [Int: Answer] = [:]
                for try await (index, answer) in group { answers[index] = answer }
                return answers
            }
            var refused: [Int] = []
            for (index, answer) in answers {
                if answer.status == .tooManyRequests {
                    #expect(answer.headers[.retryAfter] == "1")
                    #expect(answer.errorCode == "too_many_reports")
                    refused.append(index)
                } else {
                    #expect(answer.status == .ok)
                    #expect(try await client.verify(fixture.admin, sent[index].key)["code"] as? String == "REVOKED")
                }
            }
            // What was refused changed nothing; sent again, it is acted on.
            for index in refused {
                #expect(try await client.verify(fixture.admin, sent[index].key)["code"] as? String == "VALID")
                #expect(try await client.gitHubAlert(alertBody([sent[index].key]), signer: signer).status == .ok)
            }
            let events = try await client.auditEvents(fixture.admin).events
            #expect(events.filter { $0["action"] as? String == "key.leaked" }.count == sent.count)
            for key in sent { #expect(try await client.verify(fixture.admin, key.key)["code"] as? String == "REVOKED") }
        }
    }

    @Test("the in-flight gate admits its limit and refuses the next until one leaves")
    func gate() {
        let gate = LeakGate(limit: 2)
        #expect(gate.tryEnter())
        #expect(gate.tryEnter())
        #expect(!gate.tryEnter())
        gate.leave()
        #expect(gate.tryEnter())
        #expect(gate.current == 2)
    }

    @Test("HMAC signature: sign and verify agree; a changed body, timestamp or secret fails")
    func hmacSignature() throws {
        let secret = try LeakReportSecret(LeakFixture.secret)
        let body = Array(#"[{"token":"x"}]"#.utf8)
        let now = Timestamp(secondsSinceEpoch: 1_800_000_000)
        let signature = LeakReportSignature.sign(body, timestamp: 1_800_000_000, secret: secret)
        #expect(try LeakReportSignature.verify(body, timestamp: "1800000000", signature: signature, secrets: [secret], now: now) == 1_800_000_000)
        #expect(throws: LeakReportSignature.Failure.mismatch) {
            try LeakReportSignature.verify(body + [0x20], timestamp: "1800000000", signature: signature, secrets: [secret], now: now)
        }
        #expect(throws: LeakReportSignature.Failure.mismatch) {
            try LeakReportSignature.verify(body, timestamp: "1800000001", signature: signature, secrets: [secret], now: now)
        }
        let rotated = try LeakReportSecret("a-new-secret-for-rotation-000000000000")
        #expect(try LeakReportSignature.verify(body, timestamp: "1800000000", signature: "v1=00 " + signature, secrets: [rotated, secret], now: now) == 1_800_000_000)
        #expect(throws: LeakReportSignature.Failure.self) { try LeakReportSignature.verify(body, timestamp: "-5", signature: signature, secrets: [secret], now: now) }
        #expect(throws: (any Error).self) { try LeakReportSecret("short") }
        #expect("\(secret)" == "LeakReportSecret(redacted)")
    }
}
