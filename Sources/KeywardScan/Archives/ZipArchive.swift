/// Reads a zip file (and so a `.jar`) held in memory through its central directory, the one
/// authoritative list of entries; local headers are used only to find where an entry's data
/// starts. ZIP64 and encrypted entries are reported, not scanned.
enum ZipArchive {
    struct Entry: Equatable {
        var name: String
        var method: UInt16
        var flags: UInt16
        var compressedSize: Int
        var size: Int
        var localHeaderOffset: Int

        var isDirectory: Bool { name.hasSuffix("/") }
        var isEncrypted: Bool { flags & 1 != 0 }
    }

    static let endRecordSignature: UInt32 = 0x0605_4B50
    static let centralHeaderSignature: UInt32 = 0x0201_4B50
    static let localHeaderSignature: UInt32 = 0x0403_4B50

    /// The central directory's entries, at most `maximumEntries`.
    static func entries(_ bytes: UnsafeRawBufferPointer, maximumEntries: Int) throws(ArchiveRefusal) -> [Entry] {
        guard let end = endRecord(bytes) else { throw ArchiveRefusal("no zip end-of-central-directory record") }
        let total = Int(bytes.u16(end + 10))
        let directorySize = Int(bytes.u32(end + 12))
        let directoryOffset = Int(bytes.u32(end + 16))
        if total == 0xFFFF || directoryOffset == 0xFFFF_FFFF || directorySize == 0xFFFF_FFFF {
            throw ArchiveRefusal("ZIP64 archives are not opened")
        }
        guard total <= maximumEntries else { throw ArchiveRefusal("more than \(maximumEntries) entries") }
        guard directoryOffset + directorySize <= end else { throw ArchiveRefusal("central directory outside the file") }
        var entries: [Entry] = []
        entries.reserveCapacity(total)
        var offset = directoryOffset
        for _ in 0..<total {
            guard offset + 46 <= end, bytes.u32(offset) == centralHeaderSignature else { throw ArchiveRefusal("damaged central directory") }
            let nameLength = Int(bytes.u16(offset + 28))
            let extraLength = Int(bytes.u16(offset + 30))
            let commentLength = Int(bytes.u16(offset + 32))
            guard offset + 46 + nameLength <= end else { throw ArchiveRefusal("damaged central directory") }
            let compressed = Int(bytes.u32(offset + 20))
            let size = Int(bytes.u32(offset + 24))
            let local = Int(bytes.u32(offset + 42))
            if compressed == 0xFFFF_FFFF || size == 0xFFFF_FFFF || local == 0xFFFF_FFFF { throw ArchiveRefusal("ZIP64 archives are not opened") }
            entries.append(Entry(
                name: String(decoding: UnsafeRawBufferPointer(rebasing: bytes[(offset + 46)..<(offset + 46 + nameLength)]), as: UTF8.self),
                method: bytes.u16(offset + 10),
                flags: bytes.u16(offset + 8),
                compressedSize: compressed,
                size: size,
                localHeaderOffset: local
            ))
            offset += 46 + nameLength + extraLength + commentLength
        }
        return entries
    }

    /// An entry's bytes, uncompressed: at most `limit`, and refused when the sizes say it is a bomb.
    static func contents(of entry: Entry, in bytes: UnsafeRawBufferPointer, limit: Int, maximumRatio: Int) throws(ArchiveRefusal) -> [UInt8] {
        if entry.isEncrypted { throw ArchiveRefusal("encrypted, not scanned") }
        let header = entry.localHeaderOffset
        guard header + 30 <= bytes.count, bytes.u32(header) == localHeaderSignature else { throw ArchiveRefusal("damaged local header") }
        let start = header + 30 + Int(bytes.u16(header + 26)) + Int(bytes.u16(header + 28))
        guard start + entry.compressedSize <= bytes.count else { throw ArchiveRefusal("data outside the file") }
        let data = UnsafeRawBufferPointer(rebasing: bytes[start..<(start + entry.compressedSize)])
        // The declared sizes can lie; they are checked here to refuse an honest bomb cheaply, and
        // the inflater checks what really comes out.
        if entry.size > limit { throw ArchiveRefusal("larger than the \(limit >> 20) MiB left of the uncompressed size limit") }
        if entry.size > ArchiveLimits.ratioGrace, entry.size / max(1, entry.compressedSize) > maximumRatio {
            throw ArchiveRefusal("compression ratio above \(maximumRatio):1 (a zip bomb?)")
        }
        switch entry.method {
        case 0:
            guard data.count <= limit else { throw ArchiveRefusal("larger than the \(limit >> 20) MiB left of the uncompressed size limit") }
            return Array(data)
        case 8:
            return try Inflater.inflate(data, .raw, limit: limit, maximumRatio: maximumRatio)
        default:
            throw ArchiveRefusal("compression method \(entry.method) is not supported")
        }
    }

    /// The end-of-central-directory record: the last 22 bytes, or further back past a comment.
    private static func endRecord(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard bytes.count >= 22 else { return nil }
        var offset = bytes.count - 22
        let lowest = max(0, offset - 0xFFFF)
        while offset >= lowest {
            if bytes.u32(offset) == endRecordSignature { return offset }
            offset -= 1
        }
        return nil
    }
}

extension UnsafeRawBufferPointer {
    /// Little-endian integers at unaligned offsets, as zip stores them.
    func u16(_ offset: Int) -> UInt16 { UInt16(self[offset]) | UInt16(self[offset + 1]) << 8 }
    func u32(_ offset: Int) -> UInt32 { UInt32(u16(offset)) | UInt32(u16(offset + 2)) << 16 }
}
