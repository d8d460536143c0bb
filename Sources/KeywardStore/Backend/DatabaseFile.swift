#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging

/// The SQLite database on disk: the main file and the `-wal` and `-shm` files beside it, readable
/// by their owner only.
///
/// The database holds webhook signing secrets, dashboard CSRF tokens and the audit trail, so a
/// file other local users can read leaks them. SQLite creates a new main file with mode 0644
/// less the umask (0644 under the usual 022), and gives `-wal` and `-shm` the main file's mode
/// (it `fchmod`s them to it, whatever the umask). So keyward creates the main file itself, 0600
/// (`fchmod`, not trusting the umask), before SQLite opens it, and the other two follow.
///
/// An existing file keeps its mode: a group may share it on purpose, and changing modes behind
/// an operator's back surprises. Opening one that group or others can read logs a warning
/// naming the file and its mode, at every start, until someone decides.
enum DatabaseFile {
    /// The files SQLite keeps for a database in WAL mode.
    static func paths(of path: String) -> [String] {
        [path, path + "-wal", path + "-shm"]
    }

    /// Creates `path` empty with mode 0600 when nothing is there (SQLite takes an empty file for
    /// a new database). Any failure is left for SQLite's own open to report.
    static func createPrivately(_ path: String) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else { return }
        _ = fchmod(descriptor, 0o600)
        close(descriptor)
    }

    /// The permission bits of a file, nil when it does not exist.
    static func mode(_ path: String) -> mode_t? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return status.st_mode & 0o777
    }

    /// Logs a warning for each of the database's files that group or others can read.
    static func warnIfReadableByOthers(_ path: String, logger: Logger) {
        for file in paths(of: path) {
            guard let mode = mode(file), mode & 0o044 != 0 else { continue }
            logger.warning("database file is readable by other local users; it holds secrets: chmod 600 it (and its -wal and -shm files)", metadata: [
                "file": .string(file), "mode": .string(octal(mode)),
            ])
        }
    }

    /// `0644`.
    static func octal(_ mode: mode_t) -> String {
        let digits = String(mode, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
