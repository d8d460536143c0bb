import KeywardCore
import KeywardStore
import Logging
import ServiceLifecycle

/// Keeps a node's verify index in step with changes committed elsewhere (other nodes, other
/// processes on the same SQLite file), and marks it stale while that cannot be guaranteed.
///
/// - changed records are applied to the index at once;
/// - a lost feed marks the index stale (VALID answers are then confirmed against the store,
///   see ``IndexConfirmation``);
/// - a resynchronisation re-reads every key, retrying until it succeeds, and only then marks the
///   index current again.
struct ChangeFeedFollower: Service {
    let node: KeywardNode
    let feed: any KeyChangeFeed

    func run() async throws {
        let node = self.node
        await cancelWhenGracefulShutdown {
            await feed.run { event in await Self.apply(event, to: node) }
        }
    }

    static func apply(_ event: KeyChangeEvent, to node: KeywardNode) async {
        let verifier = node.verifier
        switch event {
        case .changed(let records):
            let now = node.clock.now()
            for record in records { verifier.index.upsert(record, now: now) }
            // Lag of the newest change in the batch: commit on some node to arrival here (the
            // nodes' clocks are assumed to agree to well under the lags that matter).
            if let newest = records.map(\.updatedAt).max() {
                let lag = max(0, now.millisecondsSinceEpoch - newest.millisecondsSinceEpoch)
                node.metrics.changeFeedLag.recordNanoseconds(lag * 1_000_000)
            }
        case .lost(let reason):
            if verifier.indexIsCurrent {
                node.logger.warning("change feed lost; answering fail-closed until resynchronised", metadata: ["reason": .string(reason)])
                node.metrics.changeFeed(up: false)
            }
            verifier.setIndexCurrent(false)
        case .resynchronise:
            verifier.setIndexCurrent(false)
            var delay: Duration = .milliseconds(100)
            while !Task.isCancelled {
                do {
                    try await node.reloadIndex()
                    verifier.setIndexCurrent(true)
                    node.metrics.changeFeed(up: true)
                    return
                } catch {
                    node.logger.error("resynchronising the verify index failed; retrying", metadata: ["error": .string(String(reflecting: error))])
                    try? await Task.sleep(for: delay)
                    delay = min(delay * 2, .seconds(2))
                }
            }
        }
    }
}
