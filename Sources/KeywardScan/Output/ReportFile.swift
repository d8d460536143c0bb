import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes a report or baseline to a path given on the command line.
///
/// A regular file (or a new one) is replaced atomically, so a reader never sees half a report.
/// Anything else — `/dev/null`, `/dev/stdout`, a FIFO — is written in place: an atomic write
/// would rename a regular file over it (and turn `/dev/null` into a file for every process).
public enum ReportFile {
    public static func write(_ text: String, to path: String) throws {
        var info = stat()
        if stat(path, &info) == 0, info.st_mode & S_IFMT != S_IFREG {
            guard let handle = FileHandle(forWritingAtPath: path) else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path]) }
            defer { try? handle.close() }
            try handle.write(contentsOf: Data(text.utf8))
            return
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
