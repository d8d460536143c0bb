import Foundation
import KeywardCore
import Synchronization

extension SecretScanner {
    /// Scans every blob reachable from any ref of the repository: every version of every file on
    /// every branch, including files deleted later.
    ///
    /// Each distinct blob is scanned once, however many commits contain it, which is what makes
    /// a full history take seconds: `rev-list --objects` names the blobs, `cat-file --batch`
    /// streams them (one git process per worker), and only if something is found does one
    /// `log --raw` pass attribute each blob to the commit that introduced it. A secret that stays
    /// in a file across many commits is one finding, at the commit that introduced it there.
    ///
    /// - Parameter since: a revision (only commits not reachable from it) or a date git
    ///   understands (`2024-01-01`, `2.weeks.ago`).
    public func scanGitHistory(repository: String, since: String? = nil, progress: ScanProgress? = nil) throws(GitError) -> ScanResult {
        let started = ContinuousClock.now
        let git = GitProcess(repository: repository)
        _ = try git.output(["rev-parse", "--git-dir"])
        // The commits to leave out, as `^commit` lines for `rev-list --stdin`: those reachable from a
        // revision, or those older than a date (whose blobs newer commits may still carry).
        var exclusions = ""
        if let since {
            let old: Data
            if (try? git.output(["rev-parse", "--verify", "--quiet", "\(since)^{commit}"])) != nil {
                old = try git.output(["rev-list", since])
            } else {
                old = try git.output(["rev-list", "--all", "--until=\(since)"])
            }
            exclusions = old.split(separator: 0x0A).map { "^" + String(decoding: $0, as: UTF8.self) + "\n" }.joined()
        }
        let revisions = FileManager.default.temporaryDirectory.appendingPathComponent("keyward-revisions-\(UUID().uuidString)").path
        guard FileManager.default.createFile(atPath: revisions, contents: Data(exclusions.utf8)) else { throw GitError("cannot write \(revisions)") }
        defer { try? FileManager.default.removeItem(atPath: revisions) }
        var summary = ScanSummary()
        let count = try git.output(["rev-list", "--count", "--all", "--stdin"], standardInput: revisions)
        summary.commitsScanned = Int(String(decoding: count, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        var blobs: [Blob] = []
        // Blobs are listed with the path they were first reached by; the filter also lists the tips, without a path.
        let objects = try git.output(["rev-list", "--objects", "--filter=object:type=blob", "--all", "--stdin"], standardInput: revisions)
        for line in objects.split(separator: 0x0A) {
            guard let space = line.firstIndex(of: 0x20) else { continue }
            let path = String(decoding: line[(space + 1)...], as: UTF8.self)
            if ruleSet.allowlist.allows(path: path) {
                summary.allowlistedInputs += 1
                continue
            }
            blobs.append(Blob(id: String(decoding: line[..<space], as: UTF8.self), path: path))
        }
        progress?.unit = "blobs"
        progress?.inputsTotal.store(blobs.count, ordering: .relaxed)

        let scanned = try scanBlobs(blobs, git: git, progress: progress)
        summary.add(scanned.summary)
        var findings: [SecretFinding] = []
        if !scanned.items.isEmpty {
            let log = try git.output(GitLog.arguments)
            let introductions = GitLog.introductions(in: log, wanted: Set(scanned.items.map(\.blob)))
            findings = Self.attribute(scanned.items, introductions: introductions)
        }
        summary.seconds = Self.seconds(since: started)
        return ScanResult(findings: findings, summary: summary)
    }

    struct Blob: Sendable {
        var id: String
        var path: String
    }

    /// A finding and the blob it was found in, until attribution replaces the blob by a commit.
    struct BlobFinding: Sendable {
        var finding: SecretFinding
        var blob: String
    }

    /// Streams the blobs through `cat-file --batch`, one process per worker, each fed its share
    /// of the list from a file (so that git never waits on a pipe nobody reads).
    private func scanBlobs(_ blobs: [Blob], git: GitProcess, progress: ScanProgress?) throws(GitError) -> (items: [BlobFinding], summary: ScanSummary) {
        guard !blobs.isEmpty else { return ([], ScanSummary()) }
        let workers = max(1, min(options.workers, blobs.count))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keyward-scan-\(UUID().uuidString)")
        do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            throw GitError("cannot create a temporary directory: \(error.localizedDescription)")
        }
        defer { try? FileManager.default.removeItem(at: directory) }
        var shares = [[Blob]](repeating: [], count: workers)
        for (index, blob) in blobs.enumerated() { shares[index % workers].append(blob) }
        var lists: [String] = []
        for (index, share) in shares.enumerated() {
            let path = directory.appendingPathComponent("blobs-\(index)").path
            let text = share.map(\.id).joined(separator: "\n") + "\n"
            guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else { throw GitError("cannot write \(path)") }
            lists.append(path)
        }
        let failures = Mutex<[GitError]>([])
        let stream = streamScanner
        let shareList = shares
        let listPaths = lists
        let scanned = parallel(count: workers) { worker, buffer, summary -> [BlobFinding] in
            do throws(GitError) {
                return try Self.scanShare(shareList[worker], list: listPaths[worker], git: git, stream: stream, buffer: buffer, summary: &summary, progress: progress)
            } catch {
                failures.withLock { $0.append(error) }
                return []
            }
        }
        if let failure = failures.withLock({ $0.first }) { throw failure }
        return scanned
    }

    private static func scanShare(
        _ share: [Blob], list: String, git: GitProcess, stream: StreamScanner, buffer: ScanBuffer,
        summary: inout ScanSummary, progress: ScanProgress?
    ) throws(GitError) -> [BlobFinding] {
        let (process, output) = try git.start(["cat-file", "--batch"], standardInput: list)
        let reader = PipeReader(handle: output)
        var found: [BlobFinding] = []
        do throws(InputError) {
            for blob in share {
                guard let header = try reader.readLine() else { throw InputError("git cat-file ended early") }
                let fields = header.split(separator: 0x20)
                guard fields.count == 3, fields[1].elementsEqual("blob".utf8), let size = Int(String(decoding: fields[2], as: UTF8.self)) else {
                    throw InputError("unexpected git cat-file output for \(blob.id)")
                }
                var source = FramedSource(reader: reader, remaining: size)
                let outcome = try stream.scan(&source, path: blob.path, commit: nil, buffer: buffer)
                try reader.skip(source.remaining + 1)  // what a binary blob left unread, and the newline
                summary.record(outcome)
                progress?.record(bytes: size, findings: outcome.findings.count)
                found.append(contentsOf: outcome.findings.map { BlobFinding(finding: $0, blob: blob.id) })
            }
        } catch {
            process.terminate()
            process.waitUntilExit()
            throw GitError("reading blobs: \(error.reason)")
        }
        process.waitUntilExit()
        return found
    }

    /// Gives each finding the commit and path that introduced its blob, then keeps one finding
    /// per rule, path and secret: the earliest.
    static func attribute(_ found: [BlobFinding], introductions: [String: GitLog.Introduction]) -> [SecretFinding] {
        var earliest: [String: SecretFinding] = [:]
        for item in found {
            var finding = item.finding
            if let introduction = introductions[item.blob] {
                finding.commit = introduction.commit
                if introduction.path != finding.file {
                    finding.file = introduction.path
                    finding.fingerprint = Fingerprint.of(ruleID: finding.ruleID, path: finding.file, secretHash: finding.secretHash)
                }
            }
            let key = "\(finding.ruleID)\u{0}\(finding.file)\u{0}\(finding.secretHash.hex)"
            if let existing = earliest[key], (existing.commit?.timestamp ?? .max) <= (finding.commit?.timestamp ?? .max) { continue }
            earliest[key] = finding
        }
        return earliest.values.sorted(by: reportOrder)
    }
}
