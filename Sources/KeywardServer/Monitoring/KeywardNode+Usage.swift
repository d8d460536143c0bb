import KeywardCore

extension KeywardNode {
    /// Writes the usage recorder's tables (hourly counts, callers, guesses) and hands them to
    /// the anomaly monitor. A failed write is put back for the next flush.
    func flushMonitoredUsage() async {
        let batch = usageRecorder.drain()
        guard !batch.isEmpty else { return }
        do {
            try await store.recordMonitoredUsage(batch)
            anomalies.observe(batch)
        } catch {
            usageRecorder.restore(batch)
            logger.error("usage monitoring flush failed; will retry", metadata: ["callers": .stringConvertible(batch.callers.count), "error": .string("\(error)")])
        }
    }
}
