import KeywardCore

/// Ties findings to an inventory: status for every keyward key found, and the leak → revoke
/// step for the live ones.
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
                findings[index].inventory = matches[findings[index].secretHash] ?? InventoryMatch(keyID: nil, status: .unknown)
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
        /// The findings with their statuses after revocation.
        public var findings: [SecretFinding]
        public var revoked: [(keyID: String, source: LeakSource)]
        public var failures: [(keyID: String, error: String)]
    }

    /// Revokes every leaked key the inventory reports live (or disabled, which could be enabled
    /// again), once per key however often it was found, naming all places it was found.
    public static func revokeLeaked(_ findings: [SecretFinding], inventory: any InventoryLookup, reason: String = "leaked: found by keyward scan") async -> Revocation {
        var byKey: [String: [Int]] = [:]
        var order: [String] = []
        for (index, finding) in findings.enumerated() {
            guard finding.inventoryLink == .keywardKey, let match = finding.inventory, let keyID = match.keyID,
                  match.status == .live || match.keyStatus == "disabled"
            else { continue }
            if byKey[keyID] == nil { order.append(keyID) }
            byKey[keyID, default: []].append(index)
        }
        var result = Revocation(findings: findings, revoked: [], failures: [])
        for keyID in order {
            let indices = byKey[keyID]!
            let source = LeakSource(findings: indices.map { findings[$0] })
            do {
                let after = try await inventory.revoke(keyID: keyID, reason: reason, source: source)
                for index in indices { result.findings[index].inventory = after }
                result.revoked.append((keyID, source))
            } catch {
                result.failures.append((keyID, "\(error)"))
            }
        }
        return result
    }
}
