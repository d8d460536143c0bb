import ServiceLifecycle

/// Runs the anomaly detector every `check_interval_seconds`, and prunes old usage once an hour.
/// A failed run keeps its window for the next one.
struct AnomalyDetectionService: Service {
    let monitor: AnomalyMonitor

    func run() async throws {
        var lastPrune = ContinuousClock.now - .seconds(3600)
        let interval = Duration.seconds(monitor.thresholds.checkIntervalSeconds)
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            guard !Task.isShuttingDownGracefully && !Task.isCancelled else { break }
            do {
                let opened = try await monitor.detect()
                for anomaly in opened {
                    monitor.logger.warning("anomaly detected", metadata: ["rule": .string(anomaly.kind.rawValue), "message": .string(anomaly.message)])
                }
                if ContinuousClock.now - lastPrune >= .seconds(3600) {
                    try await monitor.prune()
                    lastPrune = ContinuousClock.now
                }
            } catch {
                monitor.logger.error("anomaly detection failed; will retry", metadata: ["error": .string("\(error)")])
            }
        }
    }
}
