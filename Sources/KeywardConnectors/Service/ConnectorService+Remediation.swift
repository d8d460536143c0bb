import KeywardCore
import KeywardGovernance
import KeywardStore

/// What a remediation did (or, with `dryRun`, would do).
public struct RemediationOutcome: Sendable {
    public var recordID: String
    public var connector: String
    public var action: RemediationAction
    /// `done`, `already_done`, `refused`, or `dry_run` (nothing was sent).
    public var outcome: String
    public var providerAnswer: String?
    public var dryRun: Bool
    /// The record after the change (its status `disabled` or `deleted` when the provider complied).
    public var record: InventoryRecord
}

extension ConnectorService {
    /// The connector that acts on `record`: the one whose sync listed it (its `connector:NAME`
    /// source), else the only configured connector of the record's provider.
    public func declaration(for record: InventoryRecord) throws -> ConnectorDeclaration {
        for source in record.sources where source.hasPrefix("connector:") {
            if let declaration = declarations.first(where: { $0.sourceName == source }) { return declaration }
        }
        let candidates = declarations.filter { $0.kind.provider == record.provider }
        guard candidates.count == 1 else {
            throw KeywardError.conflict(candidates.isEmpty
                ? "no connector is configured for \(record.provider.rawValue) keys; deactivate \(record.externalID ?? record.id) at the provider"
                : "several \(record.provider.rawValue) connectors are configured and none has synced this record; sync the right one first")
        }
        return candidates[0]
    }

    /// Deactivates or deletes inventory record `recordID` at its provider, for `reason`. Refused
    /// (409) when the record's connector does not allow `action` or the record has no provider
    /// id; a provider's refusal is an outcome (`refused`, with an open finding), not an error.
    public func remediate(recordID: String, action: RemediationAction, reason: String, via: String, dryRun: Bool = false,
                          by principal: Principal) async throws -> RemediationOutcome {
        guard let record = try await governance.store.governanceRead({ try await $0.record(id: recordID) }) else {
            throw KeywardError.notFound(GivenIdentifier.recordID.message(recordID) { "no inventory record with \($0)" })
        }
        return try await remediate(record, action: action, reason: reason, via: via, dryRun: dryRun, by: principal)
    }

    public func remediate(_ record: InventoryRecord, action: RemediationAction, reason: String, via: String, dryRun: Bool = false,
                          by principal: Principal) async throws -> RemediationOutcome {
        let trimmed = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.utf8.count <= 500 else { throw KeywardError.invalidArgument("reason must be 1 to 500 bytes") }
        guard record.provider != .keyward else {
            throw KeywardError.invalidArgument("\(record.id) is a keyward key: revoke or disable it with keyward keys")
        }
        let declaration = try declaration(for: record)
        guard declaration.actions.contains(action) else {
            let allowed = declaration.actions.sorted().map(\.rawValue).joined(separator: ", ")
            throw KeywardError.conflict("connector \(declaration.name) may not \(action.rawValue) keys (actions: \(allowed.isEmpty ? "none, read-only" : allowed))")
        }
        guard let externalID = record.externalID else {
            throw KeywardError.conflict("\(record.id) has no provider id yet (sync connector \(declaration.name) first)")
        }
        let settled: Set<InventoryStatus> = action == .delete ? [.deleted] : [.disabled, .deleted]
        if settled.contains(record.status) {
            return RemediationOutcome(recordID: record.id, connector: declaration.name, action: action, outcome: "already_done",
                                      providerAnswer: nil, dryRun: dryRun, record: record)
        }
        if dryRun {
            return RemediationOutcome(recordID: record.id, connector: declaration.name, action: action, outcome: "dry_run",
                                      providerAnswer: nil, dryRun: true, record: record)
        }
        let connector = try connector(for: declaration)
        let answer = try await connector.remediate(RemediationRequest(
            action: action, key: ExternalKeyReference(externalID: externalID, identity: record.identity, account: record.account)))
        let outcome: RemediationRecord.Outcome = switch answer.outcome {
        case .done: .done
        case .alreadyDone: .alreadyDone
        case .refused: .refused
        }
        let stored = try await governance.recordRemediation(
            RemediationRecord(recordID: record.id, action: action, outcome: outcome, providerAnswer: answer.message, connector: declaration.name,
                              reason: trimmed, via: via), by: principal)
        return RemediationOutcome(recordID: record.id, connector: declaration.name, action: action, outcome: outcome.rawValue,
                                  providerAnswer: answer.message, dryRun: false, record: stored)
    }
}

extension ConnectorKind {
    /// The inventory provider of the keys this kind of connector reads.
    public var provider: InventoryProvider {
        switch self {
        case .awsIAM: .aws
        case .github: .github
        case .gcpIAM: .gcp
        case .openai: .openai
        case .anthropic: .anthropic
        }
    }
}

extension ConnectorService {
    /// Deactivates, at their providers, the records among `recordIDs` whose connector allows
    /// `deactivate` — what offboarding an owner and a review's `revoke` answer do by themselves.
    /// Records without such a connector are left to the findings that already name them; a
    /// provider's refusal opens its `remediation-refused` finding; nothing here throws, so the
    /// change that asked (the offboarding, the answer) stands whatever the providers say.
    public func deactivateAutomatically(recordIDs: [String], reason: String, via: String, dryRun: Bool = false,
                                        by principal: Principal) async -> [RemediationOutcome] {
        guard !declarations.allSatisfy({ !$0.actions.contains(.deactivate) }), !recordIDs.isEmpty else { return [] }
        var outcomes: [RemediationOutcome] = []
        for id in recordIDs {
            do {
                guard let record = try await governance.store.governanceRead({ try await $0.record(id: id) }),
                      record.status.isLive, record.externalID != nil,
                      let declaration = try? declaration(for: record), declaration.actions.contains(.deactivate)
                else { continue }
                outcomes.append(try await remediate(record, action: .deactivate, reason: reason, via: via, dryRun: dryRun, by: principal))
            } catch {
                logger.warning("automatic deactivation failed", metadata: ["record": .string(id), "via": .string(via), "error": .string("\(error)")])
            }
        }
        return outcomes
    }
}
