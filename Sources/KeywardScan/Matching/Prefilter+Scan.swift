/// Where one worker's prefilter hits go: one list per interleaved stream, reused across buffers.
/// Each hit is `end << 32 | literal`: the offset just past the literal and which literal it was.
final class HitScratch {
    var streams: [[UInt64]] = [[], [], [], []]

    init() {}
}

extension Prefilter {
    /// Buffers shorter than this run as one stream; splitting them would cost more than it saves.
    static let interleaveThreshold = 512

    /// Finds every literal occurrence in `buffer`, in order of end offset within each stream.
    ///
    /// A DFA step depends on the one before, so a single stream is bound by load latency, not
    /// by the CPU's width. Buffers are therefore cut into four quarters walked in the same loop:
    /// four independent chains the CPU overlaps. Each quarter after the first starts a literal's
    /// length early (in the start state) and keeps only hits ending inside its own quarter, so
    /// nothing is lost or found twice; concatenating the four hit lists keeps them in order.
    func collectHits(_ buffer: UnsafeRawBufferPointer, into scratch: HitScratch) {
        // Work on local arrays: appending through the class property would check exclusive
        // access on every hit. Swapping keeps their capacity from buffer to buffer.
        var (h0, h1, h2, h3): ([UInt64], [UInt64], [UInt64], [UInt64]) = ([], [], [], [])
        swap(&h0, &scratch.streams[0])
        swap(&h1, &scratch.streams[1])
        swap(&h2, &scratch.streams[2])
        swap(&h3, &scratch.streams[3])
        defer {
            swap(&h0, &scratch.streams[0])
            swap(&h1, &scratch.streams[1])
            swap(&h2, &scratch.streams[2])
            swap(&h3, &scratch.streams[3])
        }
        h0.removeAll(keepingCapacity: true)
        h1.removeAll(keepingCapacity: true)
        h2.removeAll(keepingCapacity: true)
        h3.removeAll(keepingCapacity: true)
        let count = buffer.count
        guard count > 0 else { return }
        transitions.withUnsafeBufferPointer { table in
            byteClass.withUnsafeBufferPointer { classes in
                let bytes = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
                guard count >= Self.interleaveThreshold else {
                    var row = 0
                    walk(bytes, from: 0, to: count, keepAfter: 0, row: &row, table, classes, into: &h0)
                    return
                }
                let quarter = count / 4
                let warmUp = max(0, longestLiteral - 1)
                // Stream k covers hits ending in (k·quarter, (k+1)·quarter]; it starts warmUp bytes early.
                let o1 = quarter - warmUp, o2 = 2 * quarter - warmUp, o3 = 3 * quarter - warmUp
                let steps = quarter
                let width = classCount
                let state = Int(~Self.outputFlag)
                var r0 = 0, r1 = 0, r2 = 0, r3 = 0
                var step = 0
                while step < steps {
                    let e0 = table[r0 &+ Int(classes[Int(bytes[step])])]
                    let e1 = table[r1 &+ Int(classes[Int(bytes[step &+ o1])])]
                    let e2 = table[r2 &+ Int(classes[Int(bytes[step &+ o2])])]
                    let e3 = table[r3 &+ Int(classes[Int(bytes[step &+ o3])])]
                    r0 = (Int(e0) & state) &* width
                    r1 = (Int(e1) & state) &* width
                    r2 = (Int(e2) & state) &* width
                    r3 = (Int(e3) & state) &* width
                    step &+= 1
                    if (e0 | e1 | e2 | e3) & Self.outputFlag != 0 {
                        if e0 & Self.outputFlag != 0 { record(step, r0, keepAfter: 0, into: &h0) }
                        if e1 & Self.outputFlag != 0 { record(step &+ o1, r1, keepAfter: quarter, into: &h1) }
                        if e2 & Self.outputFlag != 0 { record(step &+ o2, r2, keepAfter: 2 * quarter, into: &h2) }
                        if e3 & Self.outputFlag != 0 { record(step &+ o3, r3, keepAfter: 3 * quarter, into: &h3) }
                    }
                }
                // Streams 1–3 started warmUp bytes early, so each has warmUp bytes of its quarter left; the last also the remainder.
                walk(bytes, from: steps, to: quarter, keepAfter: 0, row: &r0, table, classes, into: &h0)
                walk(bytes, from: steps + o1, to: 2 * quarter, keepAfter: quarter, row: &r1, table, classes, into: &h1)
                walk(bytes, from: steps + o2, to: 3 * quarter, keepAfter: 2 * quarter, row: &r2, table, classes, into: &h2)
                walk(bytes, from: steps + o3, to: count, keepAfter: 3 * quarter, row: &r3, table, classes, into: &h3)
            }
        }
    }

    /// Records a hit ending at `end` in the state at `row`, unless it ends in the warm-up part
    /// of a stream (at or before `keepAfter`, where the previous stream already found it).
    @inline(never)
    private func record(_ end: Int, _ row: Int, keepAfter: Int, into hits: inout [UInt64]) {
        guard end > keepAfter else { return }
        let state = row / classCount
        for output in Int(outputStart[state])..<Int(outputStart[state + 1]) {
            hits.append(UInt64(end) << 32 | UInt64(UInt32(outputs[output])))
        }
    }

    private func walk(
        _ bytes: UnsafePointer<UInt8>, from start: Int, to end: Int, keepAfter: Int, row: inout Int,
        _ table: UnsafeBufferPointer<UInt16>, _ classes: UnsafeBufferPointer<UInt8>, into hits: inout [UInt64]
    ) {
        var current = row
        var index = start
        let width = classCount
        while index < end {
            let entry = table[current &+ Int(classes[Int(bytes[index])])]
            current = Int(entry & ~Self.outputFlag) &* width
            index &+= 1
            if entry & Self.outputFlag != 0 { record(index, current, keepAfter: keepAfter, into: &hits) }
        }
        row = current
    }
}
