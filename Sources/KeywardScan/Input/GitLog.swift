import Foundation

/// Which commit introduced each blob, read from one `git log --raw` pass over all branches.
///
/// The log lists, per commit, the blobs its changes wrote; read oldest first, the first commit
/// naming a blob is the one that introduced it, with the path it had there.
enum GitLog {
    /// `--reverse` lists oldest first; `-c` includes blobs written by merge resolutions;
    /// `-z` keeps paths unquoted; renames are off so every new path is an addition.
    static let arguments = [
        "log", "--all", "--reverse", "--no-renames", "--raw", "--no-abbrev", "-c", "-z",
        "--format=format:%x1e%H%x1f%an%x1f%ae%x1f%aI%x1f%at%x1f%s",
    ]

    struct Introduction: Equatable {
        var commit: CommitInfo
        var path: String
    }

    /// Introductions of the blobs in `wanted` (all blobs when nil).
    static func introductions(in output: Data, wanted: Set<String>?) -> [String: Introduction] {
        var result: [String: Introduction] = [:]
        var commit: CommitInfo?
        var pendingBlob: String?
        for token in output.split(separator: 0, omittingEmptySubsequences: false) {
            var token = Substring(decoding: token, as: UTF8.self)
            if let pending = pendingBlob {
                // The token after a raw entry is its path.
                pendingBlob = nil
                if !pending.isEmpty, let commit, result[pending] == nil, wanted?.contains(pending) ?? true {
                    result[pending] = Introduction(commit: commit, path: String(token))
                }
                continue
            }
            if let marker = token.firstIndex(of: "\u{1E}") {
                let header = token[token.index(after: marker)...]
                let lines = header.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
                commit = parseHeader(lines[0])
                guard lines.count > 1 else { continue }
                token = lines[1]
            }
            // A raw entry: ":<modes> <shas> <status>"; the last sha is the blob written.
            guard token.hasPrefix(":") else { continue }
            let fields = token.split(separator: " ")
            guard fields.count >= 4, let status = fields.last, !status.hasPrefix("D") else {
                pendingBlob = ""
                continue
            }
            let blob = String(fields[fields.count - 2])
            pendingBlob = blob.allSatisfy({ $0 == "0" }) ? "" : blob
        }
        return result
    }

    private static func parseHeader(_ line: Substring) -> CommitInfo? {
        let fields = line.split(separator: "\u{1F}", omittingEmptySubsequences: false)
        guard fields.count >= 6 else { return nil }
        return CommitInfo(
            id: String(fields[0]), author: String(fields[1]), email: String(fields[2]), date: String(fields[3]),
            timestamp: Int64(fields[4]) ?? 0, subject: fields[5...].joined(separator: "\u{1F}")
        )
    }
}
