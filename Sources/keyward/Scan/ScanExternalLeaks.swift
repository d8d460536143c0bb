import Foundation
import KeywardAPI
import KeywardClient
import KeywardConnectors
import KeywardCore
import KeywardScan

/// `scan --revoke` for external keys: an AWS access key id that matches a live inventory record,
/// found with its secret access key beside it, is deactivated at AWS at once through the
/// record's connector (when its `actions` allow it) — on the database (`--db`, the connectors
/// of KEYWARD_CONFIG) or through the server. An id alone is not enough: without its secret it
/// opens nothing, and deactivating on it would let anyone who writes a key id into a repository
/// switch that key off.
enum ScanExternalLeaks {
    /// Lines between an access key id and its secret for the two to count as a pair.
    static let pairDistance = 5

    /// `(record id, where it was found)` for every leaked pair.
    static func leakedRecords(_ findings: [SecretFinding]) -> [(recordID: String, location: String)] {
        let secrets = findings.filter { $0.ruleID == "aws-secret-access-key" }
        var seen: Set<String> = []
        var leaked: [(String, String)] = []
        for finding in findings where finding.ruleID == "aws-access-token" {
            guard case .record(let id)? = finding.inventory?.entry, finding.inventory?.status == .live,
                  secrets.contains(where: { $0.file == finding.file && $0.commit == finding.commit && abs($0.line - finding.line) <= pairDistance }),
                  seen.insert(id).inserted
            else { continue }
            leaked.append((id, finding.location))
        }
        return leaked
    }

    static func deactivate(_ findings: [SecretFinding], db: String?) async {
        let leaked = leakedRecords(findings)
        guard !leaked.isEmpty else { return }
        do {
            if let db {
                let database = try DatabaseOption.parse(["--db", db])
                try await LocalConnectors.run(database, config: nil) { service in
                    for (id, location) in leaked {
                        do {
                            report(RemediationObject(try await service.remediate(recordID: id, action: .deactivate, reason: "leaked: found at \(location)",
                                                                                 via: "scanner", by: .system("scanner"))), location: location)
                        } catch {
                            ScanMessages.note("deactivate \(id): \(error)")
                        }
                    }
                }
            } else {
                let client = try KeywardClient.fromEnvironment()
                for (id, location) in leaked {
                    do {
                        report(try await client.remediate(recordID: id, action: .deactivate, reason: "leaked: found at \(location)"), location: location)
                    } catch {
                        ScanMessages.note("deactivate \(id): \(error)")
                    }
                }
            }
        } catch {
            ScanMessages.note("external keys not deactivated: \(error)")
        }
    }

    static func report(_ outcome: RemediationObject, location: String) {
        switch outcome.outcome {
        case "refused": ScanMessages.note("\(outcome.connector) refused to deactivate \(outcome.recordID) (found at \(location)): \(outcome.providerAnswer ?? "")")
        default: ScanMessages.note("deactivated \(outcome.recordID) (found at \(location)) through connector \(outcome.connector): \(outcome.outcome)")
        }
    }
}
