#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Something that hands out a file's bytes a chunk at a time, so a 500 MB export is parsed in
/// constant memory instead of being read whole.
public protocol ByteSource {
    /// The next chunk, or nil at the end. Chunks are never empty.
    mutating func nextChunk() throws -> [UInt8]?
}

/// Bytes already in memory (API uploads, tests), handed out in chunks like a file.
public struct BufferByteSource: ByteSource {
    private let bytes: [UInt8]
    private var offset = 0
    private let chunkSize: Int

    public init(_ bytes: [UInt8], chunkSize: Int = 1 << 20) {
        self.bytes = bytes
        self.chunkSize = max(1, chunkSize)
    }

    public mutating func nextChunk() throws -> [UInt8]? {
        guard offset < bytes.count else { return nil }
        let end = min(bytes.count, offset + chunkSize)
        defer { offset = end }
        return Array(bytes[offset..<end])
    }
}

/// A file read with `read(2)` in fixed-size chunks. The descriptor closes when the source is
/// released.
public final class FileByteSource: ByteSource {
    private let descriptor: Int32
    private let chunkSize: Int
    public let path: String

    public init(path: String, chunkSize: Int = 1 << 20) throws {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw ImportError(file: path, line: nil, field: nil, message: "cannot open file: \(String(cString: strerror(errno)))")
        }
        self.descriptor = descriptor
        self.chunkSize = max(1, chunkSize)
        self.path = path
    }

    deinit { close(descriptor) }

    public func nextChunk() throws -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, chunkSize) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else {
                throw ImportError(file: path, line: nil, field: nil, message: "read failed: \(String(cString: strerror(errno)))")
            }
            if count == 0 { return nil }
            buffer.removeLast(chunkSize - count)
            return buffer
        }
    }
}
