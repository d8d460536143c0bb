/// The hash table inside each shard of ``KeyIndex``: open addressing with linear probing over
/// 16-byte slots of (tag, entry).
///
/// A Swift `Dictionary` keeps keys, values and occupancy in three separate arrays, so a lookup in
/// a million-key index costs three cache misses before it reaches the entry. Here the tag (the
/// first word of the key's SHA-256) and the entry sit in one slot: one miss for the slot, one for
/// the entry, whose full hash confirms the match. Deletion shifts the following run back instead
/// of leaving tombstones, so lookups never slow down after many revocations and removals.
struct KeySlotTable {
    struct Slot {
        /// 0 marks an empty slot; a real tag of 0 is stored as 1 (the full hash decides anyway).
        var tag: UInt64
        var entry: IndexedKey?
    }

    private var slots: ContiguousArray<Slot>
    private(set) var count = 0
    private var mask: Int

    /// Maximum load before doubling: linear probing stays short (about two probes per hit) below 0.7.
    static let maximumLoad = 0.7

    init(minimumCapacity: Int = 0) {
        var capacity = 16
        while Double(minimumCapacity) > Double(capacity) * KeySlotTable.maximumLoad { capacity *= 2 }
        slots = ContiguousArray(repeating: Slot(tag: 0, entry: nil), count: capacity)
        mask = capacity - 1
    }

    static func tag(_ hash: KeyHash) -> UInt64 { hash.w0 == 0 ? 1 : hash.w0 }

    func lookup(_ hash: KeyHash) -> IndexedKey? {
        let tag = KeySlotTable.tag(hash)
        return slots.withUnsafeBufferPointer { slots in
            var index = Int(truncatingIfNeeded: tag) & mask
            while true {
                let slot = slots[index]
                if slot.tag == 0 { return nil }
                if slot.tag == tag, let entry = slot.entry, entry.hash == hash { return entry }
                index = (index + 1) & mask
            }
        }
    }

    /// Inserts `entry`, replacing an entry with the same hash.
    mutating func insert(_ entry: IndexedKey) {
        if Double(count + 1) > Double(slots.count) * KeySlotTable.maximumLoad { grow() }
        let tag = KeySlotTable.tag(entry.hash)
        var index = Int(truncatingIfNeeded: tag) & mask
        while true {
            let slot = slots[index]
            if slot.tag == 0 {
                slots[index] = Slot(tag: tag, entry: entry)
                count += 1
                return
            }
            if slot.tag == tag, slot.entry?.hash == entry.hash {
                slots[index].entry = entry
                return
            }
            index = (index + 1) & mask
        }
    }

    @discardableResult
    mutating func remove(_ hash: KeyHash) -> IndexedKey? {
        let tag = KeySlotTable.tag(hash)
        var index = Int(truncatingIfNeeded: tag) & mask
        while true {
            let slot = slots[index]
            if slot.tag == 0 { return nil }
            if slot.tag == tag, let entry = slot.entry, entry.hash == hash {
                shiftBack(from: index)
                count -= 1
                return entry
            }
            index = (index + 1) & mask
        }
    }

    /// Backward-shift deletion: move later members of the probe run into the hole when their
    /// home slot lies at or before it, so every remaining entry stays reachable.
    private mutating func shiftBack(from start: Int) {
        var hole = start
        var next = (hole + 1) & mask
        while slots[next].tag != 0 {
            let home = Int(truncatingIfNeeded: slots[next].tag) & mask
            // Distance from home to `next` exceeds distance from `hole` to `next`: it may move.
            if (next - home) & mask >= (next - hole) & mask {
                slots[hole] = slots[next]
                hole = next
            }
            next = (next + 1) & mask
        }
        slots[hole] = Slot(tag: 0, entry: nil)
    }

    private mutating func grow() {
        let old = slots
        slots = ContiguousArray(repeating: Slot(tag: 0, entry: nil), count: old.count * 2)
        mask = slots.count - 1
        count = 0
        for slot in old {
            if let entry = slot.entry { insert(entry) }
        }
    }

    /// Every entry, in slot order.
    var entries: [IndexedKey] { slots.compactMap(\.entry) }
}
