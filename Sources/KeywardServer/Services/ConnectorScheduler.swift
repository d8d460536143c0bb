import KeywardConnectors
import ServiceLifecycle

/// Syncs each connector that has a `sync_interval` on its schedule. Every node runs this loop;
/// the sync lease in `connector_syncs` (a conditional UPDATE that only one node's wins) makes
/// sure that on PostgreSQL with several nodes one node syncs each connector per interval.
/// Stops with the server and then shuts the connectors' HTTP client down.
struct ConnectorScheduler: Service {
    let node: KeywardNode
    /// How often the loop looks for due connectors.
    let poll: Duration

    init(node: KeywardNode, poll: Duration = .seconds(15)) {
        self.node = node
        self.poll = poll
    }

    func run() async throws {
        let connectors = node.connectors
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            for outcome in await connectors.syncDue() where !outcome.succeeded {
                node.logger.warning("scheduled connector sync failed", metadata: [
                    "connector": .string(outcome.connector), "failures": .string(outcome.failures.prefix(3).joined(separator: "; ")),
                ])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: poll) }
        }
        try? await connectors.shutdown()
    }
}
