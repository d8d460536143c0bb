import KeywardGovernance
import ServiceLifecycle

/// Keeps findings current by themselves: evaluates the policy when the server starts, again once
/// the inventory has been quiet for the debounce interval after any change (a key issued,
/// rotated or revoked, an import, an owner change), and on a schedule (default hourly) so that
/// time alone — a key crossing its 90th day — opens findings without anyone running a command.
///
/// A steady stream of changes is evaluated at least every ``maximumDelayFactor`` debounce
/// intervals, so it cannot postpone evaluation forever.
struct GovernanceScheduler: Service {
    let node: KeywardNode
    let interval: Duration
    let debounce: Duration
    static let maximumDelayFactor = 15

    init(node: KeywardNode) {
        self.node = node
        interval = .seconds(node.configuration.evaluationIntervalSeconds)
        debounce = .milliseconds(node.configuration.evaluationDebounceMilliseconds)
    }

    func run() async throws {
        let governance = node.governance
        let clock = ContinuousClock()
        do {
            try await governance.usePolicy(governance.policy, by: .system("server"))
        } catch {
            node.logger.error("recording the policy failed", metadata: ["error": .string("\(error)")])
        }
        var evaluatedGeneration = governance.changes.generation
        await evaluate("start")
        var lastRun = clock.now
        var seenGeneration = evaluatedGeneration
        var lastChange = clock.now
        var firstPendingChange: ContinuousClock.Instant?
        let poll = min(debounce / 2, .seconds(1))
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: poll) }
            guard !Task.isShuttingDownGracefully && !Task.isCancelled else { break }
            let now = clock.now
            let generation = governance.changes.generation
            if generation != seenGeneration {
                seenGeneration = generation
                lastChange = now
                if firstPendingChange == nil { firstPendingChange = now }
            }
            let settled = generation != evaluatedGeneration
                && (now - lastChange >= debounce || now - (firstPendingChange ?? now) >= debounce * Self.maximumDelayFactor)
            let due = now - lastRun >= interval
            guard settled || due else { continue }
            evaluatedGeneration = generation
            firstPendingChange = nil
            await evaluate(settled ? "change" : "schedule")
            lastRun = clock.now
        }
    }

    /// One evaluation; a failure is logged and retried at the next trigger, never fatal.
    private func evaluate(_ reason: String) async {
        do {
            let summary = try await node.governance.evaluate()
            node.logger.info("findings evaluated", metadata: [
                "reason": .string(reason), "items": .stringConvertible(summary.items), "opened": .stringConvertible(summary.opened),
                "resolved": .stringConvertible(summary.resolved), "reopened": .stringConvertible(summary.reopened),
            ])
        } catch {
            node.logger.error("evaluation failed", metadata: ["reason": .string(reason), "error": .string("\(error)")])
        }
    }
}
