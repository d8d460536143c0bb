import CZlib

/// zlib's inflate with the limits a scanner needs: output is capped, and a stream that expands
/// beyond ``ArchiveLimits/maximumRatio`` once past ``ArchiveLimits/ratioGrace`` is refused as it
/// happens, before the bomb is in memory.
enum Inflater {
    enum Wrapper {
        /// A zip entry's bare deflate data.
        case raw
        /// One or more gzip members, one after another (what `cat a.gz b.gz` makes).
        case gzip
    }

    static func inflate(_ input: UnsafeRawBufferPointer, _ wrapper: Wrapper, limit: Int, maximumRatio: Int) throws(ArchiveRefusal) -> [UInt8] {
        guard let base = input.baseAddress, !input.isEmpty else { throw ArchiveRefusal("no compressed data") }
        var stream = z_stream()
        let windowBits: Int32 = wrapper == .raw ? -15 : 15 + 16
        guard inflateInit2_(&stream, windowBits, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw ArchiveRefusal("zlib could not start")
        }
        defer { inflateEnd(&stream) }
        stream.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = uInt(input.count)
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let status = chunk.withUnsafeMutableBufferPointer { buffer in
                stream.next_out = buffer.baseAddress
                stream.avail_out = uInt(buffer.count)
                return CZlib.inflate(&stream, Z_NO_FLUSH)
            }
            output.append(contentsOf: chunk[0..<(chunk.count - Int(stream.avail_out))])
            if output.count > limit { throw ArchiveRefusal("larger than the \(limit >> 20) MiB left of the uncompressed size limit") }
            let consumed = max(1, input.count - Int(stream.avail_in))
            if output.count > ArchiveLimits.ratioGrace, output.count / consumed > maximumRatio {
                throw ArchiveRefusal("compression ratio above \(maximumRatio):1 (a zip bomb?)")
            }
            switch status {
            case Z_OK:
                continue
            case Z_STREAM_END:
                let rest = Int(stream.avail_in)
                // Another gzip member follows; anything else after the end (padding) is ignored.
                guard wrapper == .gzip, rest >= 2, input[input.count - rest] == 0x1F, input[input.count - rest + 1] == 0x8B else { return output }
                guard inflateReset(&stream) == Z_OK else { throw ArchiveRefusal("zlib could not restart") }
            case Z_BUF_ERROR where stream.avail_in == 0:
                throw ArchiveRefusal("compressed data is truncated")
            case Z_BUF_ERROR:
                continue
            default:
                throw ArchiveRefusal("compressed data is corrupt")
            }
        }
    }
}
