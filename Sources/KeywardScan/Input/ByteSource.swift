#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Something bytes are read from in order: a file, standard input, one blob of a git pipe.
protocol ByteSource {
    /// Reads up to `buffer.count` bytes; 0 means the end.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int
}

/// Why an input could not be read; reported per input, never fatal to the scan.
public struct InputError: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }

    static func errno(_ action: String, _ code: Int32 = Glibc.errno) -> InputError {
        InputError("\(action): \(String(cString: strerror(code)))")
    }
}

/// Reads a file descriptor with `read(2)`, retrying interrupted calls.
struct DescriptorSource: ByteSource {
    let descriptor: Int32

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        while true {
            let count = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            if errno == EINTR { continue }
            throw InputError.errno("read failed")
        }
    }
}

/// The reusable memory one worker scans in: a chunk plus the overlap carried between chunks.
final class ScanBuffer {
    let memory: UnsafeMutableRawBufferPointer
    let hits = HitScratch()

    init(capacity: Int = Chunking.chunkSize + Chunking.overlap) {
        memory = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 64)
    }

    deinit { memory.deallocate() }
}
