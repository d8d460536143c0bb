/// Reads a tar file held in memory: ustar and GNU headers, GNU long names (`L`) and pax `path`
/// records (`x`). Only regular files are entries; links, directories and devices are skipped.
enum TarArchive {
    struct Entry: Equatable {
        var name: String
        var data: Range<Int>
    }

    static let blockSize = 512

    /// Whether `bytes` start with a tar header whose checksum is right.
    static func isHeader(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count >= blockSize else { return false }
        let header = UnsafeRawBufferPointer(rebasing: bytes[0..<blockSize])
        guard let stored = octal(header, 148..<156) else { return false }
        var sum = 0
        for index in 0..<blockSize { sum += (148..<156).contains(index) ? 0x20 : Int(header[index]) }
        return sum == stored
    }

    static func entries(_ bytes: UnsafeRawBufferPointer, maximumEntries: Int) throws(ArchiveRefusal) -> [Entry] {
        var entries: [Entry] = []
        var offset = 0
        var longName: String?
        while offset + blockSize <= bytes.count {
            let header = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + blockSize)])
            if header.allSatisfy({ $0 == 0 }) { break }
            guard isHeader(header) else { throw ArchiveRefusal("damaged tar header at byte \(offset)") }
            let size = try self.size(header)
            let dataStart = offset + blockSize
            guard size <= bytes.count - dataStart else { throw ArchiveRefusal("tar entry data runs past the end") }
            let data = dataStart..<(dataStart + size)
            let type = header[156]
            switch type {
            case UInt8(ascii: "L"):
                longName = text(UnsafeRawBufferPointer(rebasing: bytes[data]))
            case UInt8(ascii: "x"):
                if let path = paxPath(UnsafeRawBufferPointer(rebasing: bytes[data])) { longName = path }
            case 0, UInt8(ascii: "0"), UInt8(ascii: "7"):
                guard entries.count < maximumEntries else { throw ArchiveRefusal("more than \(maximumEntries) entries") }
                entries.append(Entry(name: longName ?? headerName(header), data: data))
                longName = nil
            default:
                longName = nil
            }
            offset = dataStart + (size + blockSize - 1) / blockSize * blockSize
        }
        return entries
    }

    /// `prefix/name` of a ustar header, or the plain name.
    private static func headerName(_ header: UnsafeRawBufferPointer) -> String {
        let name = text(UnsafeRawBufferPointer(rebasing: header[0..<100]))
        let isUstar = header[257..<262].elementsEqual("ustar".utf8)
        let prefix = isUstar ? text(UnsafeRawBufferPointer(rebasing: header[345..<500])) : ""
        return prefix.isEmpty ? name : prefix + "/" + name
    }

    /// The size field: octal digits, or GNU's base-256 form (high bit set) for large entries.
    private static func size(_ header: UnsafeRawBufferPointer) throws(ArchiveRefusal) -> Int {
        if header[124] & 0x80 != 0 {
            var value = 0
            for index in 125..<136 {
                guard value < Int.max >> 8 else { throw ArchiveRefusal("tar entry size out of range") }
                value = value << 8 | Int(header[index])
            }
            return value
        }
        guard let value = octal(header, 124..<136) else { throw ArchiveRefusal("damaged tar size field") }
        return value
    }

    private static func octal(_ header: UnsafeRawBufferPointer, _ field: Range<Int>) -> Int? {
        var value = 0
        var digits = 0
        for index in field {
            let byte = header[index]
            if byte == 0 || byte == 0x20 {
                if digits > 0 { break }
                continue
            }
            guard byte >= 0x30, byte <= 0x37 else { return nil }
            value = value * 8 + Int(byte - 0x30)
            digits += 1
        }
        return digits > 0 ? value : nil
    }

    /// Bytes up to the first NUL.
    private static func text(_ bytes: UnsafeRawBufferPointer) -> String {
        let end = bytes.firstIndex(of: 0) ?? bytes.count
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[0..<end]), as: UTF8.self)
    }

    /// The `path` record of a pax extended header (`"<length> path=<value>\n"` records).
    private static func paxPath(_ bytes: UnsafeRawBufferPointer) -> String? {
        var path: String?
        for record in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            guard let space = record.firstIndex(of: " ") else { continue }
            let field = record[record.index(after: space)...]
            if field.hasPrefix("path=") { path = String(field.dropFirst(5)) }
        }
        return path
    }
}
