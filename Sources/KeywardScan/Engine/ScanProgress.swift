import Synchronization

/// Counters a running scan updates and a progress display reads from another thread.
public final class ScanProgress: Sendable {
    public let inputsDone = Atomic<Int>(0)
    public let inputsTotal = Atomic<Int>(0)
    public let bytesDone = Atomic<Int>(0)
    public let findings = Atomic<Int>(0)
    /// What the inputs are, for display: "files", "blobs".
    private let unitName = Mutex<String>("files")

    public init() {}

    public var unit: String {
        get { unitName.withLock { $0 } }
        set { unitName.withLock { $0 = newValue } }
    }

    func record(bytes: Int, findings count: Int) {
        inputsDone.add(1, ordering: .relaxed)
        bytesDone.add(bytes, ordering: .relaxed)
        if count > 0 { findings.add(count, ordering: .relaxed) }
    }
}
