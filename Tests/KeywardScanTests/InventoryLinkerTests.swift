import KeywardCore
import Synchronization
import Testing
@testable import KeywardScan

/// An inventory held in memory for the tests: keys by hash, and a log of leak responses.
final class MemoryInventory: InventoryLookup, Sendable {
    struct Key: Sendable { var id: KeyID; var hash: KeyHash; var status: InventoryStatus; var owner: String }
    let keys: Mutex<[Key]>
    let lookups = Mutex<[[KeyHash]]>([])
    let responses = Mutex<[[LeakSighting]]>([])

    init(_ keys: [Key]) { self.keys = Mutex(keys) }

    func lookup(keyHashes: [KeyHash]) async throws -> [KeyHash: InventoryMatch] {
        lookups.withLock { $0.append(keyHashes) }
        var matches: [KeyHash: InventoryMatch] = [:]
        for key in keys.withLock({ $0 }) where keyHashes.contains(key.hash) {
            matches[key.hash] = InventoryMatch(.key(key.id), state: key.status, owner: key.owner)
        }
        return matches
    }

    func respondToLeaks(_ sightings: [LeakSighting]) async throws -> [LeakOutcome] {
        responses.withLock { $0.append(sightings) }
        return keys.withLock { keys in
            sightings.map { sighting in
                guard let index = keys.firstIndex(where: { $0.hash == sighting.hash }) else { return .unknown }
                switch keys[index].status {
                case .revoked: return .alreadyRevoked(keys[index].id)
                case .expired: return .inactive(keys[index].id)
                default:
                    keys[index].status = .revoked
                    return .revoked(keys[index].id)
                }
            }
        }
    }
}

@Suite struct InventoryLinkerTests {
    @Test func keysAreLookedUpByHashAndRevokedOnceNamingEveryPlace() async throws {
        let live = Secrets.keywardKey()
        let rotating = Secrets.keywardKey()
        let revoked = Secrets.keywardKey()
        let expired = Secrets.keywardKey()
        let disabled = Secrets.keywardKey()
        let stranger = Secrets.keywardKey()
        let ids = (0..<5).map { _ in KeyID.random() }
        let inventory = MemoryInventory([
            .init(id: ids[0], hash: KeyHash(of: live), status: .active, owner: "payments"),
            .init(id: ids[1], hash: KeyHash(of: rotating), status: .rotating, owner: "payments"),
            .init(id: ids[2], hash: KeyHash(of: revoked), status: .revoked, owner: "ops"),
            .init(id: ids[3], hash: KeyHash(of: expired), status: .expired, owner: "ops"),
            .init(id: ids[4], hash: KeyHash(of: disabled), status: .disabled, owner: "ops"),
        ])
        let text = [live, rotating, revoked, expired, disabled, stranger, live].map { "K=\($0)" }.joined(separator: "\n") + "\ntoken=\(Secrets.githubToken())\n"
        let findings = Scanning.findings(in: text, path: "leak.env")
        #expect(findings.count == 8)

        let linked = try await InventoryLinker.link(findings, inventory: inventory)
        let sent = inventory.lookups.withLock { $0 }.joined()
        #expect(Set(sent).count == 6 && sent.count == 6, "each distinct key hash is sent once")
        func status(_ line: Int) -> LeakStatus? { linked.first { $0.line == line }?.inventory?.status }
        #expect(status(1) == .live && status(2) == .live && status(3) == .revoked && status(4) == .expired)
        #expect(status(5) == .revoked && linked.first { $0.line == 5 }?.inventory?.state == .disabled)
        #expect(status(6) == .unknown && linked.first { $0.line == 6 }?.inventory?.keyID == nil)
        #expect(linked.first { $0.line == 8 }?.inventory == nil, "a GitHub token is not an inventory key")

        let revocation = await InventoryLinker.respondToLeaks(linked, inventory: inventory)
        #expect(revocation.failures.isEmpty)
        #expect(revocation.revoked.map(\.keyID) == [ids[0], ids[1], ids[4]])
        #expect(inventory.responses.withLock { $0.map(\.count) } == [3], "one call, one sighting per key")
        let liveSighting = try #require(revocation.revoked.first?.sighting)
        #expect(liveSighting.hash == KeyHash(of: live))
        #expect(liveSighting.locations.map(\.line) == [1, 7])
        let foundAt = try #require(liveSighting.foundAt)
        #expect(foundAt["file"] == .string("leak.env"))
        #expect(foundAt["also_found_at"] == .array([.string("leak.env:7")]))
        #expect(revocation.findings.filter { $0.inventory?.keyID == ids[0] }.allSatisfy { $0.inventory?.status == .revoked })
        #expect(!"\(foundAt)".contains(live))
    }

    @Test func largeScansAreLookedUpInBatches() async throws {
        let keys = (0..<(InventoryLinker.batchSize + 7)).map { _ in Secrets.keywardKey() }
        let findings = Scanning.findings(in: keys.map { "K=\($0)" }.joined(separator: "\n"))
        let inventory = MemoryInventory([])
        _ = try await InventoryLinker.link(findings, inventory: inventory)
        #expect(inventory.lookups.withLock { $0.map(\.count) }.sorted() == [7, InventoryLinker.batchSize])
    }

    @Test func externalIdentifiersAreAskedOnlyOfInventoriesThatHoldThem() async throws {
        final class ImportedInventory: InventoryLookup, ExternalIdentifierLookup, Sendable {
            let asked = Mutex<[ExternalIdentifier]>([])
            func lookup(keyHashes: [KeyHash]) async throws -> [KeyHash: InventoryMatch] { [:] }
            func respondToLeaks(_ sightings: [LeakSighting]) async throws -> [LeakOutcome] { sightings.map { _ in .unknown } }
            func lookup(externalIdentifiers: [ExternalIdentifier]) async throws -> [ExternalIdentifier: InventoryMatch] {
                asked.withLock { $0 += externalIdentifiers }
                return Dictionary(uniqueKeysWithValues: externalIdentifiers.map { ($0, InventoryMatch(.record("imp_1"), state: .active, owner: "iam-user")) })
            }
        }
        let id = Secrets.awsKeyID()
        let findings = Scanning.findings(in: "aws_access_key_id = \(id)\n")
        let plain = try await InventoryLinker.link(findings, inventory: MemoryInventory([]))
        #expect(plain.first?.inventory == nil)
        let imported = ImportedInventory()
        let linked = try await InventoryLinker.link(findings, inventory: imported)
        #expect(imported.asked.withLock { $0 } == [ExternalIdentifier(provider: "aws", id: id)])
        #expect(linked.first?.inventory?.owner == "iam-user")
        #expect(!Report.render(linked, format: .json, rules: Scanning.ruleSet).contains(id))
    }
}
