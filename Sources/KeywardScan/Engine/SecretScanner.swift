import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The scanner: rules plus options, and the ways to feed it (files and directories, a stream,
/// bytes in memory; git history and staged changes in their own files).
///
/// Scans are synchronous and CPU-bound: they run on their own threads (one per worker, pulling
/// inputs from a shared counter) and return when done. Call them from a thread, not from a
/// Swift concurrency task that should stay responsive.
public struct SecretScanner: Sendable {
    public let ruleSet: RuleSet
    public let options: ScanOptions
    /// Built once: copying it per input would retain every array of the rules again.
    let streamScanner: StreamScanner

    public init(ruleSet: RuleSet, options: ScanOptions = ScanOptions()) {
        self.ruleSet = ruleSet
        self.options = options
        self.streamScanner = StreamScanner(scanner: BufferScanner(ruleSet), minimumConfidence: options.minimumConfidence, reportsFailedChecksums: options.reportsFailedChecksums)
    }

    /// Scans files and directories (recursively).
    public func scan(paths: [String], progress: ScanProgress? = nil) -> ScanResult {
        let started = ContinuousClock.now
        var walker = DirectoryWalker(followSymlinks: options.followSymlinks, skipGitDirectories: !options.scanGitDirectories, allowlist: ruleSet.allowlist)
        for path in paths { walker.walk(path) }
        let files = walker.files
        progress?.unit = "files"
        progress?.inputsTotal.store(files.count, ordering: .relaxed)
        let scanned = parallel(count: files.count) { index, buffer, summary in
            scanFile(files[index], buffer: buffer, summary: &summary, progress: progress)
        }
        var result = ScanResult(findings: scanned.items.sorted(by: Self.reportOrder), summary: scanned.summary)
        result.summary.problems = walker.problems + result.summary.problems
        result.summary.allowlistedInputs += walker.allowlistedFiles
        result.summary.symlinksSkipped = walker.skippedSymlinks
        result.summary.seconds = Self.seconds(since: started)
        return result
    }

    /// Scans a stream (standard input) to its end.
    public func scan(descriptor: Int32, name: String) -> ScanResult {
        let started = ContinuousClock.now
        var source = DescriptorSource(descriptor: descriptor)
        var result = scan(&source, name: name)
        result.summary.seconds = Self.seconds(since: started)
        return result
    }

    /// Scans bytes held in memory, as if they were the file `path` (an archive or an MCP
    /// configuration by its name, like a file).
    public func scan(bytes: [UInt8], path: String) -> ScanResult {
        var summary = ScanSummary()
        let findings = scanContents(bytes, path: path, buffer: ScanBuffer(), summary: &summary)
        return ScanResult(findings: findings, summary: summary)
    }

    private func scan<Source: ByteSource>(_ source: inout Source, name: String) -> ScanResult {
        var summary = ScanSummary()
        do {
            let outcome = try streamScanner.scan(&source, path: name, commit: nil, buffer: ScanBuffer())
            summary.record(outcome)
            return ScanResult(findings: outcome.findings, summary: summary)
        } catch {
            summary.problems.append(ScanProblem(path: name, reason: error.reason))
            return ScanResult(findings: [], summary: summary)
        }
    }

    private func scanFile(_ path: String, buffer: ScanBuffer, summary: inout ScanSummary, progress: ScanProgress?) -> [SecretFinding] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            summary.problems.append(ScanProblem(path: path, reason: InputError.errno("cannot open").reason))
            progress?.record(bytes: 0, findings: 0)
            return []
        }
        defer { close(descriptor) }
        if let kind = WholeInput(path: path), let whole = scanWhole(kind, descriptor: descriptor, path: path, buffer: buffer, summary: &summary) {
            progress?.record(bytes: whole.bytes, findings: whole.findings.count)
            return whole.findings
        }
        var source = DescriptorSource(descriptor: descriptor)
        do {
            let outcome = try streamScanner.scan(&source, path: path, commit: nil, buffer: buffer)
            summary.record(outcome)
            progress?.record(bytes: outcome.bytes, findings: outcome.findings.count)
            return outcome.findings
        } catch {
            summary.problems.append(ScanProblem(path: path, reason: error.reason))
            progress?.record(bytes: 0, findings: 0)
            return []
        }
    }

    /// Runs `body` for indices `0..<count` on ``ScanOptions/workers`` threads, each with its own
    /// scan buffer, and gathers what they return (in no particular order).
    func parallel<Item: Sendable>(count: Int, _ body: @Sendable (Int, ScanBuffer, inout ScanSummary) -> [Item]) -> (items: [Item], summary: ScanSummary) {
        let next = Atomic<Int>(0)
        let collected = Mutex<([Item], ScanSummary)>(([], ScanSummary()))
        let workers = max(1, min(options.workers, count))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            let buffer = ScanBuffer()
            var items: [Item] = []
            var summary = ScanSummary()
            while true {
                let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard index < count else { break }
                items.append(contentsOf: body(index, buffer, &summary))
            }
            collected.withLock { result in
                result.0.append(contentsOf: items)
                result.1.add(summary)
            }
        }
        return collected.withLock { $0 }
    }

    static func reportOrder(_ a: SecretFinding, _ b: SecretFinding) -> Bool {
        (a.file, a.line, a.column, a.ruleID) < (b.file, b.line, b.column, b.ruleID)
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}

extension ScanSummary {
    mutating func record(_ outcome: StreamScanner.Outcome) {
        if outcome.binary {
            binarySkipped += 1
        } else {
            inputsScanned += 1
        }
        bytesScanned += outcome.bytes
        allowlistedFindings += outcome.allowlisted
    }
}

/// Bytes in memory as a source.
struct ArraySource: ByteSource {
    let bytes: [UInt8]
    var offset = 0

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        let count = min(buffer.count, bytes.count - offset)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { source in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<(offset + count)]))
        }
        offset += count
        return count
    }
}
