import Foundation

extension SecretScanner {
    /// Scans what `git commit` would add: the lines added by the staged changes, for a
    /// pre-commit hook. Secrets already committed are not reported again; lines are numbered as
    /// in the staged file.
    public func scanStaged(repository: String) throws(GitError) -> ScanResult {
        let started = ContinuousClock.now
        let git = GitProcess(repository: repository)
        let filter = ["--cached", "--no-renames", "--diff-filter=ACM", "--no-ext-diff", "--no-textconv"]
        let names = try git.output(["diff", "--name-only", "-z"] + filter)
            .split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        var summary = ScanSummary()
        var findings: [SecretFinding] = []
        guard !names.isEmpty else { return ScanResult(findings: [], summary: summary) }
        let diff = try git.output(["diff", "-U0", "--no-color"] + filter)
        let buffer = ScanBuffer()
        for block in StagedDiff.addedBlocks(in: diff, paths: names) {
            if ruleSet.allowlist.allows(path: block.path) {
                summary.allowlistedInputs += 1
                continue
            }
            var source = ArraySource(bytes: block.bytes)
            do {
                let outcome = try streamScanner.scan(&source, path: block.path, commit: nil, buffer: buffer, lineOffset: block.firstLine - 1)
                summary.record(outcome)
                findings.append(contentsOf: outcome.findings)
            } catch {
                summary.problems.append(ScanProblem(path: block.path, reason: error.reason))
            }
        }
        summary.inputsScanned = Set(names).count
        summary.seconds = Self.seconds(since: started)
        return ScanResult(findings: findings.sorted(by: Self.reportOrder), summary: summary)
    }
}

/// Reads `git diff -U0` output into runs of added lines.
enum StagedDiff {
    struct Block: Equatable {
        var path: String
        /// Line number of the first added line in the new file.
        var firstLine: Int
        /// The added lines, each ending in a newline.
        var bytes: [UInt8]
    }

    /// `paths` are the files in diff order (from `--name-only -z`), which names them without
    /// the quoting the diff headers apply to unusual names.
    static func addedBlocks(in diff: Data, paths: [String]) -> [Block] {
        var blocks: [Block] = []
        var fileIndex = -1
        var inHunk = false
        var nextLine = 0
        var current: Block?
        func flush() {
            if let block = current, !block.bytes.isEmpty { blocks.append(block) }
            current = nil
        }
        for line in diff.split(separator: 0x0A, omittingEmptySubsequences: false) {
            if line.starts(with: "diff --git ".utf8) {
                flush()
                fileIndex += 1
                inHunk = false
                continue
            }
            guard fileIndex >= 0, fileIndex < paths.count else { continue }
            if line.starts(with: "@@ ".utf8) {
                flush()
                inHunk = true
                nextLine = newStart(of: line) ?? 1
                continue
            }
            guard inHunk, let marker = line.first else { continue }
            switch marker {
            case UInt8(ascii: "+"):
                if current == nil { current = Block(path: paths[fileIndex], firstLine: nextLine, bytes: []) }
                current!.bytes.append(contentsOf: line.dropFirst())
                current!.bytes.append(0x0A)
                nextLine += 1
            case UInt8(ascii: " "):
                flush()
                nextLine += 1
            case UInt8(ascii: "\\"):
                continue  // "\ No newline at end of file"
            default:
                flush()
            }
        }
        flush()
        return blocks
    }

    /// The `c` of a hunk header `@@ -a,b +c,d @@`.
    private static func newStart(of header: Data.SubSequence) -> Int? {
        guard let plus = header.firstIndex(of: UInt8(ascii: "+")) else { return nil }
        let digits = header[(plus + 1)...].prefix { $0 >= 0x30 && $0 <= 0x39 }
        return Int(String(decoding: digits, as: UTF8.self))
    }
}
