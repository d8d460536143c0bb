import Foundation
import KeywardAPI
import KeywardClient
import KeywardCore
import KeywardScan

/// `keyward scan --report-to URL`: sends the keyward keys a scan found to a server's signed
/// leak-report endpoint, so a CI job holding only the report secret (no admin credential) gets
/// them revoked, with a finding and a `key.leaked` event. Only hashes travel: the scanner never
/// keeps the plaintext of what it found.
enum ScanLeakReport {
    /// Sends the keyward-key findings (each key once); returns false when the report failed.
    static func send(_ findings: [SecretFinding], to address: String, fromGitHistory: Bool) async -> Bool {
        var seen = Set<KeyHash>()
        let items = findings.filter { $0.inventoryLink == .keywardKey && seen.insert($0.secretHash).inserted }.map { finding in
            LeakReportItem(tokenHash: finding.secretHash.hex, type: finding.ruleID, url: finding.location,
                           source: finding.commit == nil && !fromGitHistory ? "content" : "commit")
        }
        guard !items.isEmpty else {
            ScanMessages.note("report: no keyward keys found; nothing sent to \(address)")
            return true
        }
        do {
            let secret = try LeakReportSecret(ProcessInfo.processInfo.environment["KEYWARD_LEAK_REPORT_SECRET"] ?? "")
            let client = try KeywardClient(baseURL: address, token: nil)
            var feedback: [LeakFeedback] = []
            // The server takes at most 1000 tokens per report.
            for start in stride(from: 0, to: items.count, by: 1000) {
                let chunk = Array(items[start..<min(start + 1000, items.count)])
                feedback += try await client.reportLeaks(chunk, secret: secret, reporter: LeakReporter.scannerName).feedback()
            }
            let actions = Dictionary(grouping: feedback, by: { $0.action ?? "none" }).mapValues(\.count)
            let summary = actions.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key.replacingOccurrences(of: "_", with: " "))" }.joined(separator: ", ")
            ScanMessages.note("report: \(items.count) keyward key(s) sent to \(address): \(summary)")
            for item in feedback where item.action == "revoked" { ScanMessages.note("report: revoked \(item.keyID ?? "?")") }
            return true
        } catch {
            ScanMessages.error("report to \(address) failed: \(error)")
            return false
        }
    }
}
