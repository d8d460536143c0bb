import Foundation
import KeywardCore
import KeywardStore

extension ConnectorService {
    /// `keyward drill deactivate --connector NAME`: per round, creates a canary key at the
    /// provider, deactivates it through the connector, and polls the provider every
    /// `pollInterval` until it reports the key inactive (or `timeout` passes). The samples are
    /// the time from asking for the deactivation to the provider saying inactive; the result is
    /// stored like a revocation drill (kind `deactivate`, audited `drill.completed`). Canaries
    /// are deleted afterwards when the connector can. Needs the connector's `deactivate` action.
    public func drill(name: String, rounds: Int, sloMilliseconds: Double = 60_000, pollInterval: Duration = .milliseconds(100),
                      timeout: Duration = .seconds(120), by principal: Principal) async throws -> DrillResult {
        guard (1...1000).contains(rounds) else { throw KeywardError.invalidArgument("rounds must be between 1 and 1000, got \(rounds)") }
        let declaration = try declaration(named: name)
        guard declaration.actions.contains(.deactivate) else {
            throw KeywardError.conflict("connector \(name) may not deactivate keys (actions: \(declaration.actions.sorted().map(\.rawValue).joined(separator: ", ")))")
        }
        let connector = try connector(for: declaration)
        let started = governance.clock.now()
        var samples: [Double] = []
        var timeouts = 0
        for _ in 0..<rounds {
            let canary = try await connector.createCanary()
            let clock = ContinuousClock()
            let began = clock.now
            let answer = try await connector.remediate(RemediationRequest(action: .deactivate, key: canary))
            guard answer.outcome != .refused else {
                try? await connector.discardCanary(canary)
                throw KeywardError.conflict("the provider refused to deactivate the drill's canary: \(answer.message)")
            }
            var inactive = false
            while clock.now - began < timeout {
                if try await connector.state(of: canary) != .active {
                    inactive = true
                    break
                }
                try await Task.sleep(for: pollInterval)
            }
            let elapsed = clock.now - began
            if inactive {
                samples.append(Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
            } else {
                timeouts += 1
            }
            do { try await connector.discardCanary(canary) } catch {
                logger.warning("drill canary not deleted", metadata: ["connector": .string(name), "key": .string(canary.externalID)])
            }
        }
        let result = DrillResult(id: StableIdentifier.make(prefix: "drl_", parts: [name, String(started.millisecondsSinceEpoch), String(UInt64.random(in: 0...UInt64.max))], length: 20),
                                 kind: "deactivate", startedAt: started, finishedAt: governance.clock.now(), rounds: rounds, sloMilliseconds: sloMilliseconds,
                                 nodes: [DrillResult.NodeStatistics(node: "\(declaration.kind.rawValue):\(name)", samplesMilliseconds: samples, timeouts: timeouts)])
        try await governance.store.recordDrill(result, by: principal)
        return result
    }
}
