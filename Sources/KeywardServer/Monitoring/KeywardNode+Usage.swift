import KeywardCore

extension KeywardNode {
    /// Writes what the usage recorder counted since the last flush: the keys' uses
    /// (`use_count`, `last_used_at`) and the monitoring tables (hourly counts, callers, guesses),
    /// which then go to the anomaly monitor. Each is its own write; one that fails is put back
    /// for the next flush. Returns the number of keys whose uses were written.
    @discardableResult
    public func flushUsage() async -> Int {
        let drained = usageRecorder.drain()
        var failed = RecordedUsage()
        do {
            try await store.recordUsage(drained.uses)
        } catch {
            failed.uses = drained.uses
            metrics.usageFlushFailures.increment()
            logger.error("usage flush failed; will retry", metadata: ["keys": .stringConvertible(drained.uses.count), "error": .string("\(error)")])
        }
        do {
            try await store.recordMonitoredUsage(drained.monitored)
            anomalies.observe(drained.monitored)
        } catch {
            failed.monitored = drained.monitored
            metrics.usageFlushFailures.increment()
            logger.error("usage monitoring flush failed; will retry",
                         metadata: ["callers": .stringConvertible(drained.monitored.callers.count), "error": .string("\(error)")])
        }
        if !failed.isEmpty { usageRecorder.restore(failed) }
        return failed.uses.isEmpty ? drained.uses.count : 0
    }
}
