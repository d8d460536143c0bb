import KeywardCore

/// Ties findings to an inventory: status for every keyward key found, and the leak response
/// (revoke, finding, `key.leaked`) for the live ones.
public enum InventoryLinker {
    /// Hashes per look-up request, so that a scan with thousands of keys stays within request limits.
    public static let batchSize = 500

    /// Fills in ``SecretFinding/inventory`` for findings of inventory-linked rules: keyward keys by
    /// hash (unknown when absent), external identifiers when the inventory supports them.
    public static func link(_ findings: [SecretFinding], inventory: any InventoryLookup) async throws -> [SecretFinding] {
        var findings = findings
        let hashes = Array(Set(findings.filter { $0.inventoryLink == .keywardKey }.map(\.secretHash)))
        var matches: [KeyHash: InventoryMatch] = [:]
        for start in stride(from: 0, to: hashes.count, by: batchSize) {
            let answer = try await inventory.lookup(keyHashes: Array(hashes[start..<min(start + batchSize, hashes.count)]))
            matches.merge(answer) { first, _ in first }
        }
        var external: [ExternalIdentifier: InventoryMatch] = [:]
        if let externalLookup = inventory as? any ExternalIdentifierLookup {
            let identifiers = Array(Set(findings.compactMap(externalIdentifier)))
            if !identifiers.isEmpty { external = try await externalLookup.lookup(externalIdentifiers: identifiers) }
        }
        for index in findings.indices {
            switch findings[index].inventoryLink {
            case .keywardKey:
                findings[index].inventory = matches[findings[index].secretHash] ?? .notInInventory
            case .externalID:
                if let identifier = externalIdentifier(findings[index]), let match = external[identifier] {
                    findings[index].inventory = match
                }
            case nil:
                break
            }
        }
        return findings
    }

    static func externalIdentifier(_ finding: SecretFinding) -> ExternalIdentifier? {
        guard finding.inventoryLink == .externalID, let id = finding.externalIdentifier else { return nil }
        return ExternalIdentifier(provider: finding.provider ?? finding.ruleID, id: id)
    }

    /// What `--revoke` did.
    public struct Revocation: Sendable {
        /// The findings with their statuses afterwards.
        public var findings: [SecretFinding]
        /// The keys revoked now, each with where it was found.
        public var revoked: [(keyID: KeyID, sighting: LeakSighting)]
        public var failures: [(keyID: KeyID, error: String)]
    }

    /// Responds to every leaked key the inventory reports live (or disabled, which could be
    /// enabled again) as keyward responds to any leak report: revoked, a critical `leaked-key`
    /// finding, `key.leaked` — once per key however often it was found, naming the places it
    /// was found. Keys go to the inventory ``batchSize`` at a time, one transaction each.
    public static func respondToLeaks(_ findings: [SecretFinding], inventory: any InventoryLookup) async -> Revocation {
        var byKey: [KeyID: [Int]] = [:]
        var order: [KeyID] = []
        for (index, finding) in findings.enumerated() {
            guard finding.inventoryLink == .keywardKey, let match = finding.inventory, let keyID = match.keyID,
                  match.status == .live || match.state == .disabled
            else { continue }
            if byKey[keyID] == nil { order.append(keyID) }
            byKey[keyID, default: []].append(index)
        }
        var result = Revocation(findings: findings, revoked: [], failures: [])
        for start in stride(from: 0, to: order.count, by: batchSize) {
            let keys = Array(order[start..<min(start + batchSize, order.count)])
            let sightings = keys.map { LeakSighting(findings: byKey[$0]!.map { findings[$0] }) }
            let outcomes: [LeakOutcome]
            do {
                outcomes = try await inventory.respondToLeaks(sightings)
            } catch {
                result.failures += keys.map { ($0, "\(error)") }
                continue
            }
            guard outcomes.count == keys.count else {
                result.failures += keys.map { ($0, "the inventory answered \(outcomes.count) outcomes for \(keys.count) keys") }
                continue
            }
            for (keyID, (sighting, outcome)) in zip(keys, zip(sightings, outcomes)) {
                let state: InventoryStatus
                switch outcome {
                case .revoked(keyID):
                    result.revoked.append((keyID, sighting))
                    state = .revoked
                case .alreadyRevoked(keyID): state = .revoked
                case .inactive(keyID): state = .expired
                // Left live by a policy that only reports: the finding keeps its status.
                case .reported(keyID): continue
                default:
                    result.failures.append((keyID, "the inventory no longer holds this key"))
                    continue
                }
                for index in byKey[keyID]! { result.findings[index].inventory?.state = state }
            }
        }
        return result
    }
}
