import KeywardCore

/// The findings one rule raised over one chunk of the inventory, in memory the engine owns, so
/// that putting the chunks back together moves them instead of copying them.
///
/// A neglected inventory of a million credentials raises 3.5 million findings. Copying them from
/// the chunks' arrays into one retained every string and array each finding holds, then released
/// them all when the chunks went away — tens of millions of atomic operations, single-threaded,
/// on memory another core wrote last. A move is a `memcpy`.
final class FindingBuffer: @unchecked Sendable {
    // Unchecked: a buffer is filled by the one task evaluating its chunk and read only after
    // `concurrentPerform` returned, which orders the two.
    private var base: UnsafeMutablePointer<Finding>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int = 16) {
        self.capacity = max(1, capacity)
        base = .allocate(capacity: self.capacity)
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    func append(_ finding: consuming Finding) {
        if count == capacity {
            let larger = UnsafeMutablePointer<Finding>.allocate(capacity: capacity * 2)
            larger.moveInitialize(from: base, count: count)
            base.deallocate()
            base = larger
            capacity *= 2
        }
        (base + count).initialize(to: finding)
        count += 1
    }

    /// Moves every finding, in order, to the uninitialised memory at `destination`, leaving the
    /// buffer empty. Returns how many it moved.
    @discardableResult
    func moveAll(to destination: UnsafeMutablePointer<Finding>) -> Int {
        let moved = count
        destination.moveInitialize(from: base, count: moved)
        count = 0
        return moved
    }
}
