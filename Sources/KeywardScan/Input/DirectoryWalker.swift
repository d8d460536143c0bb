#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Lists the regular files under the paths a user named, with `readdir` and the entry types it
/// returns, so that listing a large tree costs no `stat` per file.
///
/// `.git` directories are skipped (history is what `--git` scans). Symbolic links are not
/// followed unless asked: a link to a file would be scanned twice, a link to a directory could
/// loop. Broken links, unreadable directories and special files (FIFOs, sockets, devices, which
/// could block a read forever) are reported as problems and skipped.
struct DirectoryWalker {
    var followSymlinks = false
    var skipGitDirectories = true
    var allowlist: Allowlist?

    private(set) var files: [String] = []
    private(set) var problems: [ScanProblem] = []
    private(set) var allowlistedFiles = 0
    private(set) var skippedSymlinks = 0
    private var visitedDirectories = Set<FileIdentity>()

    init(followSymlinks: Bool, skipGitDirectories: Bool, allowlist: Allowlist?) {
        self.followSymlinks = followSymlinks
        self.skipGitDirectories = skipGitDirectories
        self.allowlist = allowlist
    }

    private struct FileIdentity: Hashable {
        var device: UInt64
        var inode: UInt64
    }

    mutating func walk(_ root: String) {
        var info = stat()
        guard stat(root, &info) == 0 else {
            var linkInfo = stat()
            problems.append(ScanProblem(path: root, reason: lstat(root, &linkInfo) == 0 ? "broken symbolic link" : "no such file or directory"))
            return
        }
        switch info.st_mode & S_IFMT {
        case S_IFDIR:
            remember(info)
            walkDirectory(root)
        case S_IFREG:
            add(Self.normalized(root))
        default:
            problems.append(ScanProblem(path: root, reason: "not a regular file"))
        }
    }

    private mutating func walkDirectory(_ root: String) {
        var pending = [root]
        while let directory = pending.popLast() {
            guard let handle = opendir(directory) else {
                problems.append(ScanProblem(path: Self.normalized(directory), reason: "cannot open directory: \(String(cString: strerror(errno)))"))
                continue
            }
            defer { closedir(handle) }
            var children: [String] = []
            while let entry = readdir(handle) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
                }
                if name == "." || name == ".." { continue }
                let path = directory == "." ? name : (directory.hasSuffix("/") ? directory + name : directory + "/" + name)
                switch Int32(entry.pointee.d_type) {
                case Int32(DT_DIR):
                    if skipGitDirectories, name == ".git" { continue }
                    children.append(path)
                case Int32(DT_REG):
                    add(Self.normalized(path))
                case Int32(DT_LNK):
                    link(path, into: &children)
                default:
                    classify(path, into: &children)
                }
            }
            // Deterministic order: depth-first, names ascending.
            pending.append(contentsOf: children.sorted(by: >))
        }
        files.sort()
    }

    private mutating func link(_ path: String, into children: inout [String]) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            problems.append(ScanProblem(path: Self.normalized(path), reason: "broken symbolic link"))
            return
        }
        guard followSymlinks else {
            skippedSymlinks += 1
            return
        }
        switch info.st_mode & S_IFMT {
        case S_IFDIR:
            if remember(info) { children.append(path) }
        case S_IFREG:
            add(Self.normalized(path))
        default:
            problems.append(ScanProblem(path: Self.normalized(path), reason: "not a regular file"))
        }
    }

    /// File systems that do not report entry types need an `lstat`.
    private mutating func classify(_ path: String, into children: inout [String]) {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            problems.append(ScanProblem(path: Self.normalized(path), reason: "cannot stat: \(String(cString: strerror(errno)))"))
            return
        }
        switch info.st_mode & S_IFMT {
        case S_IFDIR:
            if !(skipGitDirectories && path.hasSuffix("/.git")) { children.append(path) }
        case S_IFREG:
            add(Self.normalized(path))
        case S_IFLNK:
            link(path, into: &children)
        default:
            problems.append(ScanProblem(path: Self.normalized(path), reason: "not a regular file"))
        }
    }

    @discardableResult
    private mutating func remember(_ info: stat) -> Bool {
        visitedDirectories.insert(FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))).inserted
    }

    private mutating func add(_ path: String) {
        if let allowlist, allowlist.allows(path: path) {
            allowlistedFiles += 1
            return
        }
        files.append(path)
    }

    /// Paths as reported: no leading `./`.
    static func normalized(_ path: String) -> String {
        var path = Substring(path)
        while path.hasPrefix("./") { path = path.dropFirst(2) }
        return String(path)
    }
}

/// An input that could not be scanned, and why.
public struct ScanProblem: Sendable, Equatable {
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
}
