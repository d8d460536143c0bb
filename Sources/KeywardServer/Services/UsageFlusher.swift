import ServiceLifecycle

/// Writes counted usage to the store every interval, and once more on graceful shutdown
/// (after the HTTP server has stopped taking requests, since services stop in reverse order).
struct UsageFlusher: Service {
    let node: KeywardNode
    let interval: Duration

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            let started = ContinuousClock.now
            await node.flushUsage()
            node.metrics.usageFlushDuration.recordNanoseconds((ContinuousClock.now - started).nanoseconds)
        }
        await node.flushUsage()
        node.logger.info("usage flushed at shutdown")
    }
}
