/// One benchmark phase: what it returned, and what it cost — wall and CPU seconds (all threads)
/// and the peak resident memory reached during it.
public struct Measured<Value> {
    public var value: Value
    public var wallSeconds: Double
    public var cpuSeconds: Double
    /// Nil where `/proc` is not available.
    public var peakBytes: Int64?

    /// Runs `body` as one phase: the memory peak is reset first, so the figure is this phase's own.
    public static func run(_ body: () async throws -> Value) async rethrows -> Measured {
        ProcessUsage.resetPeak()
        let cpu = ProcessUsage.cpuSeconds()
        let start = ContinuousClock.now
        let value = try await body()
        let wall = (ContinuousClock.now - start).seconds
        return Measured(value: value, wallSeconds: wall, cpuSeconds: ProcessUsage.cpuSeconds() - cpu, peakBytes: ProcessUsage.peakBytes())
    }
}

extension Measured: Sendable where Value: Sendable {}
