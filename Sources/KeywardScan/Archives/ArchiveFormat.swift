/// The archive formats `keyward scan` opens, recognised by name and confirmed by content: a file
/// called `.zip` that is not one is scanned as the text it is.
enum ArchiveFormat: Sendable, Equatable {
    /// `.zip`, `.jar`, `.war`, `.ear`, `.aar`, `.whl`, `.nupkg`: a central directory of stored or deflated entries.
    case zip
    case tar
    /// `.tar.gz`, `.tgz`.
    case gzippedTar
    /// A single gzipped file (`config.json.gz`); its one entry is named without the `.gz`.
    case gzip

    private static let zipSuffixes = [".zip", ".jar", ".war", ".ear", ".aar", ".whl", ".nupkg"]

    /// The format a file name promises, before looking at its bytes.
    init?(name: String) {
        // Only the end of the name matters; lower-casing the whole path of every file would cost.
        let lower = String(name.suffix(8)).lowercased()
        if Self.zipSuffixes.contains(where: { lower.hasSuffix($0) }) {
            self = .zip
        } else if lower.hasSuffix(".tar") {
            self = .tar
        } else if lower.hasSuffix(".tar.gz") || lower.hasSuffix(".tgz") {
            self = .gzippedTar
        } else if lower.hasSuffix(".gz") {
            self = .gzip
        } else {
            return nil
        }
    }

    /// Whether `bytes` start the way this format does.
    func matches(_ bytes: UnsafeRawBufferPointer) -> Bool {
        switch self {
        case .zip:
            // A local file header, or the end record of an empty archive.
            return bytes.count >= 4 && bytes[0] == 0x50 && bytes[1] == 0x4B && (bytes[2], bytes[3]) == (3, 4) || bytes.count >= 22 && bytes[0] == 0x50 && bytes[1] == 0x4B && (bytes[2], bytes[3]) == (5, 6)
        case .gzippedTar, .gzip:
            return bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
        case .tar:
            return TarArchive.isHeader(bytes)
        }
    }
}
