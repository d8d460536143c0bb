/// One archive named on disk and everything nested in it, walked under one set of
/// ``ArchiveLimits``: every file inside is handed to `visit` by its located name
/// (`outer.zip!lib/inner.jar!config/app.properties`), the uncompressed bytes and entries of all
/// levels counted against the same budget.
///
/// A refused entry (a bomb, an encrypted or damaged one) is a problem and the walk goes on; a
/// spent budget ends it.
struct ArchiveWalk {
    let limits: ArchiveLimits
    private(set) var bytesLeft: Int
    private(set) var entriesLeft: Int
    private(set) var problems: [ScanProblem] = []
    private(set) var archivesOpened = 0

    init(limits: ArchiveLimits) {
        self.limits = limits
        bytesLeft = limits.maximumTotalBytes
        entriesLeft = limits.maximumEntries
    }

    /// The separator between an archive's name and an entry's in reported paths.
    static let separator = "!"

    mutating func walk(_ bytes: [UInt8], format: ArchiveFormat, path: String, depth: Int = 0, visit: (String, [UInt8]) -> Void) {
        archivesOpened += 1
        do {
            try bytes.withUnsafeBytes { raw in
                switch format {
                case .zip:
                    try walkZip(raw, path: path, depth: depth, visit: visit)
                case .tar:
                    try walkTar(raw, path: path, depth: depth, charged: false, visit: visit)
                case .gzippedTar:
                    let inflated = try inflate(raw)
                    try inflated.withUnsafeBytes { try walkTar($0, path: path, depth: depth, charged: true, visit: visit) }
                case .gzip:
                    let inflated = try inflate(raw)
                    let last = path.split(whereSeparator: { $0 == "/" || $0 == Character(Self.separator) }).last.map(String.init) ?? path
                    let inner = last.lowercased().hasSuffix(".gz") ? String(last.dropLast(3)) : last
                    deliver(inflated, path: path + Self.separator + inner, depth: depth, visit: visit)
                }
            }
        } catch let refusal as ArchiveRefusal {
            problems.append(ScanProblem(path: path, reason: refusal.reason))
        } catch {
            problems.append(ScanProblem(path: path, reason: "\(error)"))
        }
    }

    private mutating func walkZip(_ raw: UnsafeRawBufferPointer, path: String, depth: Int, visit: (String, [UInt8]) -> Void) throws(ArchiveRefusal) {
        for entry in try ZipArchive.entries(raw, maximumEntries: limits.maximumEntries) where !entry.isDirectory {
            try take()
            let located = path + Self.separator + entry.name
            do {
                let contents = try ZipArchive.contents(of: entry, in: raw, limit: bytesLeft, maximumRatio: limits.maximumRatio)
                bytesLeft -= contents.count
                deliver(contents, path: located, depth: depth, visit: visit)
            } catch {
                problems.append(ScanProblem(path: located, reason: error.reason))
            }
        }
    }

    /// `charged`: the bytes were already counted when the gzip around them was inflated.
    private mutating func walkTar(_ raw: UnsafeRawBufferPointer, path: String, depth: Int, charged: Bool, visit: (String, [UInt8]) -> Void) throws(ArchiveRefusal) {
        for entry in try TarArchive.entries(raw, maximumEntries: limits.maximumEntries) {
            try take()
            if !charged {
                guard entry.data.count <= bytesLeft else { throw ArchiveRefusal("uncompressed size limit of \(limits.maximumTotalBytes >> 20) MiB reached") }
                bytesLeft -= entry.data.count
            }
            deliver(Array(raw[entry.data]), path: path + Self.separator + entry.name, depth: depth, visit: visit)
        }
    }

    private mutating func inflate(_ raw: UnsafeRawBufferPointer) throws(ArchiveRefusal) -> [UInt8] {
        let inflated = try Inflater.inflate(raw, .gzip, limit: bytesLeft, maximumRatio: limits.maximumRatio)
        bytesLeft -= inflated.count
        return inflated
    }

    /// Counts one entry against the limit.
    private mutating func take() throws(ArchiveRefusal) {
        guard entriesLeft > 0 else { throw ArchiveRefusal("entry limit of \(limits.maximumEntries) reached") }
        entriesLeft -= 1
    }

    /// A nested archive is opened (to the depth limit); anything else is a file to scan.
    private mutating func deliver(_ contents: [UInt8], path: String, depth: Int, visit: (String, [UInt8]) -> Void) {
        if let format = ArchiveFormat(name: path), contents.withUnsafeBytes({ format.matches($0) }) {
            guard depth < limits.maximumDepth else {
                problems.append(ScanProblem(path: path, reason: "archive nested more than \(limits.maximumDepth) deep, not opened"))
                return
            }
            walk(contents, format: format, path: path, depth: depth + 1, visit: visit)
            return
        }
        visit(path, contents)
    }
}
