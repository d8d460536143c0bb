import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Buffered reading of a pipe that carries framed records (`git cat-file --batch`: a header
/// line, then exactly the announced number of bytes).
final class PipeReader {
    /// Held so that the descriptor stays open (and is not reused) while this reader exists.
    private let handle: FileHandle
    private let descriptor: Int32
    private var storage: UnsafeMutableRawBufferPointer
    private var start = 0
    private var end = 0

    init(handle: FileHandle, capacity: Int = 256 * 1024) {
        self.handle = handle
        self.descriptor = handle.fileDescriptor
        storage = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 16)
    }

    deinit { storage.deallocate() }

    private func refill() throws(InputError) -> Bool {
        if start == end { start = 0; end = 0 }
        if end == storage.count {
            // Move what is left to the front to make room.
            let left = end - start
            memmove(storage.baseAddress!, storage.baseAddress! + start, left)
            start = 0
            end = left
        }
        while true {
            let count = Glibc.read(descriptor, storage.baseAddress! + end, storage.count - end)
            if count > 0 { end += count; return true }
            if count == 0 { return false }
            if errno != EINTR { throw InputError.errno("reading from git") }
        }
    }

    /// The next line without its newline; nil at the end of the stream.
    func readLine() throws(InputError) -> [UInt8]? {
        var line: [UInt8] = []
        while true {
            // A rebased view counts from 0, not from `start`.
            let view = UnsafeRawBufferPointer(rebasing: storage[start..<end])
            if let newline = view.firstIndex(of: 0x0A) {
                line.append(contentsOf: view[..<newline])
                start += newline + 1
                return line
            }
            line.append(contentsOf: view)
            start = end
            guard try refill() else { return line.isEmpty ? nil : line }
        }
    }

    /// Reads up to `buffer.count` bytes, at most `limit`.
    func read(into buffer: UnsafeMutableRawBufferPointer, limit: Int) throws(InputError) -> Int {
        if start == end {
            guard try refill() else { return 0 }
        }
        let count = min(buffer.count, limit, end - start)
        buffer.baseAddress!.copyMemory(from: storage.baseAddress! + start, byteCount: count)
        start += count
        return count
    }

    /// Discards exactly `count` bytes.
    func skip(_ count: Int) throws(InputError) {
        var left = count
        while left > 0 {
            if start == end {
                guard try refill() else { throw InputError("git's output ended early") }
            }
            let step = min(left, end - start)
            start += step
            left -= step
        }
    }
}

/// One record's bytes from a ``PipeReader``, as a ``ByteSource``.
struct FramedSource: ByteSource {
    let reader: PipeReader
    var remaining: Int

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        guard remaining > 0 else { return 0 }
        let count = try reader.read(into: buffer, limit: remaining)
        guard count > 0 else { throw InputError("git's output ended early") }
        remaining -= count
        return count
    }
}
