/// How a scan runs.
public struct ScanOptions: Sendable {
    /// Threads scanning inputs in parallel; one per core by default.
    public var workers: Int
    /// Findings below this confidence are not reported.
    public var minimumConfidence: Confidence
    /// Also report tokens whose format has a checksum that fails (at low confidence, saying so).
    /// Off by default: a real token always validates, so a failure is a test value or a typo,
    /// nothing a user acts on. `keyward scan --min-confidence low` turns it on.
    public var reportsFailedChecksums: Bool
    /// Follow symbolic links in directories (off: a link is counted and skipped).
    public var followSymlinks: Bool
    /// Also scan inside `.git` directories (off: history is what `--git` is for).
    public var scanGitDirectories: Bool
    /// How far archives (`.zip`, `.jar`, `.tar`, `.tar.gz`) are opened.
    public var archives: ArchiveLimits

    public init(
        workers: Int? = nil, minimumConfidence: Confidence = .low, reportsFailedChecksums: Bool = false, followSymlinks: Bool = false,
        scanGitDirectories: Bool = false, archives: ArchiveLimits = ArchiveLimits()
    ) {
        self.workers = max(1, workers ?? ScanOptions.processorCount)
        self.minimumConfidence = minimumConfidence
        self.reportsFailedChecksums = reportsFailedChecksums
        self.followSymlinks = followSymlinks
        self.scanGitDirectories = scanGitDirectories
        self.archives = archives
    }

    static var processorCount: Int {
        let count = sysconf(Int32(_SC_NPROCESSORS_ONLN))
        return count > 0 ? count : 1
    }
}

/// What a scan found and what it looked at.
public struct ScanResult: Sendable {
    public var findings: [SecretFinding]
    public var summary: ScanSummary
}

public struct ScanSummary: Sendable, Equatable {
    /// Files, blobs or standard input that were read and scanned.
    public var inputsScanned = 0
    public var bytesScanned = 0
    public var binarySkipped = 0
    /// Inputs skipped because their path is allow-listed, and findings dropped by allow-lists.
    public var allowlistedInputs = 0
    public var allowlistedFindings = 0
    public var symlinksSkipped = 0
    /// For git scans: commits whose blobs were scanned.
    public var commitsScanned = 0
    /// Archives opened, nested ones included; their files count as inputs.
    public var archivesOpened = 0
    public var problems: [ScanProblem] = []
    public var seconds = 0.0

    public init() {}

    mutating func add(_ other: ScanSummary) {
        inputsScanned += other.inputsScanned
        bytesScanned += other.bytesScanned
        binarySkipped += other.binarySkipped
        allowlistedInputs += other.allowlistedInputs
        allowlistedFindings += other.allowlistedFindings
        symlinksSkipped += other.symlinksSkipped
        commitsScanned += other.commitsScanned
        archivesOpened += other.archivesOpened
        problems += other.problems
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
