import Synchronization

/// A counter of inventory changes (a key issued or revoked, an import, an owner change) that the
/// server's evaluation scheduler watches: when it moves, findings are re-evaluated once the
/// changes settle (debounced), so that a burst of a thousand key issues costs one evaluation.
///
/// Signalling is a lock-free increment: it runs on the key life-cycle's commit path.
public final class InventoryChanges: Sendable {
    private let counter = Atomic<UInt64>(0)

    public init() {}

    public func signal() {
        counter.add(1, ordering: .releasing)
    }

    /// Changes signalled so far.
    public var generation: UInt64 { counter.load(ordering: .acquiring) }
}
