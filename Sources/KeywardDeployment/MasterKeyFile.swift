import Foundation
import KeywardCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The master key file of a deployment (`master_key_file`): read at open, created beside a
/// SQLite database when none is named.
///
/// The file is the one thing a copy of the database lacks to open its secrets, so it is created
/// with mode 0600 (`fchmod`, whatever the umask) and never written again by keyward once it
/// exists; `keyward master-key rotate` writes a new file instead.
public enum MasterKeyFile {
    /// Where a SQLite deployment keeps its key unless told otherwise: `keyward.db.key`.
    public static func defaultPath(database: String) -> String { database + ".key" }

    /// The keys of the file at `path`.
    public static func read(_ path: String) throws(MasterKeyError) -> MasterKeyring {
        guard let contents = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw MasterKeyError("cannot read the master key file \(path)")
        }
        do {
            return try MasterKeyring(file: contents)
        } catch {
            throw MasterKeyError("\(path): \(error)")
        }
    }

    /// Writes a new random key to `path`, which must not exist, readable by its owner only.
    @discardableResult
    public static func create(_ path: String) throws(MasterKeyError) -> MasterKey {
        let (key, text) = MasterKey.generate()
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            throw MasterKeyError("cannot create the master key file \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        _ = fchmod(descriptor, 0o600)
        let bytes = Array((text + "\n").utf8)
        guard write(descriptor, bytes, bytes.count) == bytes.count, fsync(descriptor) == 0 else {
            throw MasterKeyError("cannot write the master key file \(path): \(String(cString: strerror(errno)))")
        }
        return key
    }

    /// The keys at `path`, first creating the file with a new key when `create` and nothing is there.
    public static func load(_ path: String, create: Bool) throws(MasterKeyError) -> MasterKeyring {
        if create, !FileManager.default.fileExists(atPath: path) {
            return MasterKeyring(current: try Self.create(path))
        }
        return try read(path)
    }
}
