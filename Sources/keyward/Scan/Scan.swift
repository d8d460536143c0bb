import ArgumentParser
import Foundation
import KeywardScan

/// `keyward scan`: finds leaked secrets in files, standard input, git history or staged changes,
/// links keyward keys to the inventory, and with `--revoke` closes the leak.
///
/// Exit status: 0 when nothing is reported, 1 when findings are reported, 2 on an error.
struct Scan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find leaked secrets in files, stdin (-), git history (--git) or staged changes (--staged).",
        discussion: """
            Exit status: 0 nothing found, 1 findings reported, 2 error.
            Keyward keys found are looked up by hash in the inventory given by --db PATH, or by \
            KEYWARD_ADDR and KEYWARD_TOKEN; --revoke revokes every live one as a leak report would \
            (a critical leaked-key finding, a key.leaked event) and records where it was found.
            Secrets are never printed: every format shows a redacted form and a fingerprint.
            """
    )

    @Argument(help: "Files or directories to scan (default: the current directory); - reads standard input. With --git or --staged: the repository.")
    var paths: [String] = []

    @Flag(name: .long, help: "Scan every commit of every branch of the repository, including deleted files.")
    var git = false

    @Option(name: .long, help: "With --git: only commits not reachable from this revision, or newer than this date.")
    var since: String?

    @Flag(name: .long, help: "Scan the lines added by the staged changes (for a pre-commit hook).")
    var staged = false

    @Option(name: .long, help: "Output format: text, json, sarif or gitleaks.")
    var format: FormatOption = .text

    @Flag(name: .long, help: "Same as --format json.")
    var json = false

    @Option(name: [.customShort("o"), .long], help: "Write the report to this file instead of standard output.")
    var output: String?

    @Option(name: .long, help: "Report only findings whose fingerprint is not in this baseline file.")
    var baseline: String?

    @Option(name: .long, help: "Write the findings' fingerprints to this baseline file (the scan then reports nothing new and exits 0).")
    var writeBaseline: String?

    @Option(name: .long, help: "A rules file that adds to or overrides the bundled rules (repeat for several).")
    var rules: [String] = []

    @Flag(name: .long, help: "Use only the rules given with --rules.")
    var noDefaultRules = false

    @Option(name: .long, help: "Report findings of at least this confidence: low, medium or high (default: low, without tokens whose checksum fails; 'low' given by name shows those too).")
    var minConfidence: ConfidenceOption?

    @Option(name: .long, help: "Inventory: the keyward SQLite database (otherwise KEYWARD_ADDR and KEYWARD_TOKEN when set).")
    var db: String?

    @Flag(name: .long, help: "Do not look keys up in any inventory.")
    var noInventory = false

    @Flag(name: .long, help: "Revoke every live keyward key found, opening a leaked-key finding and writing key.leaked with where it was found.")
    var revoke = false

    @Option(name: .customLong("report-to"), help: "Send the keyward keys found (their SHA-256, never the key) to this server's signed leak-report endpoint, e.g. https://keyward.example.com; the secret comes from KEYWARD_LEAK_REPORT_SECRET.")
    var reportTo: String?

    @Option(name: [.customShort("j"), .long], help: "Parallel scanning threads (default: one per core).")
    var jobs: Int?

    @Flag(name: .long, help: "Follow symbolic links inside directories.")
    var followSymlinks = false

    @Flag(name: .long, help: "Never show progress, even on a terminal.")
    var noProgress = false

    @Flag(name: .long, help: "No colours in text output.")
    var noColor = false

    enum FormatOption: String, ExpressibleByArgument, CaseIterable {
        case text, json, sarif, gitleaks
        var format: ReportFormat { ReportFormat(rawValue: rawValue)! }
    }

    enum ConfidenceOption: String, ExpressibleByArgument, CaseIterable {
        case low, medium, high
        var confidence: Confidence { Confidence(rawValue: rawValue)! }
    }

    func validate() throws {
        if git && staged { throw ValidationError("--git and --staged exclude each other") }
        if since != nil && !git { throw ValidationError("--since goes with --git") }
        if (git || staged) && paths.count > 1 { throw ValidationError("--git and --staged take one repository") }
        if paths.contains("-") && (git || staged || paths.count > 1) { throw ValidationError("- (standard input) is scanned alone") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if revoke && noInventory { throw ValidationError("--revoke needs an inventory; drop --no-inventory") }
        if reportTo != nil && ProcessInfo.processInfo.environment["KEYWARD_LEAK_REPORT_SECRET", default: ""].isEmpty {
            throw ValidationError("--report-to needs the leak-report secret in KEYWARD_LEAK_REPORT_SECRET")
        }
        if noDefaultRules && rules.isEmpty { throw ValidationError("--no-default-rules needs at least one --rules file") }
        if json && format != .text && format != .json { throw ValidationError("--json and --format \(format.rawValue) exclude each other") }
    }

    func run() async throws {
        do {
            let exitCode = try await scanAndReport()
            if exitCode != 0 { throw ExitCode(exitCode) }
        } catch let error as ExitCode {
            throw error
        } catch let error as ValidationError {
            throw error
        } catch {
            ScanMessages.error("\(error)")
            throw ExitCode(2)
        }
    }

    private func scanAndReport() async throws -> Int32 {
        // A mistyped path must fail a CI job, not pass it with "no leaks found".
        let missing = (paths.isEmpty ? ["."] : paths).filter { $0 != "-" && !Self.exists($0) }
        if !missing.isEmpty {
            ScanMessages.error("no such file or directory: \(missing.joined(separator: ", "))")
            return 2
        }
        let ruleSet = try RuleSet.load(userFiles: rules, bundled: !noDefaultRules)
        let scanner = SecretScanner(ruleSet: ruleSet, options: ScanOptions(
            workers: jobs, minimumConfidence: minConfidence?.confidence ?? .low,
            // asking for low confidence by name also shows tokens whose checksum fails, marked so
            reportsFailedChecksums: minConfidence == .low, followSymlinks: followSymlinks
        ))
        let progress = ScanProgress()
        let display = noProgress ? nil : ScanProgressDisplay.startIfTerminal(progress)
        let result: ScanResult
        do {
            result = try await runOffTheCooperativePool { () throws -> ScanResult in
                if git { return try scanner.scanGitHistory(repository: paths.first ?? ".", since: since, progress: progress) }
                if staged { return try scanner.scanStaged(repository: paths.first ?? ".") }
                if paths == ["-"] { return scanner.scan(descriptor: STDIN_FILENO, name: "-") }
                return scanner.scan(paths: paths.isEmpty ? ["."] : paths, progress: progress)
            }
            display?.stop()
        } catch {
            display?.stop()
            throw error
        }
        ScanMessages.problems(result.summary.problems)

        var findings = result.findings
        if let baseline { findings = try Baseline.load(path: baseline).filter(findings) }
        // A failed look-up must not hide the findings: they are reported with unknown status,
        // and the scan ends with status 2.
        var inventoryFailed = false
        do {
            findings = try await linkInventory(findings)
        } catch let error as ScanInventoryError where error.findings != nil {
            ScanMessages.error(error.description)
            findings = error.findings!
            inventoryFailed = true
        }
        if let reportTo, !(await ScanLeakReport.send(findings, to: reportTo, fromGitHistory: git)) { inventoryFailed = true }

        if let writeBaseline {
            try ReportFile.write(Baseline.document(for: findings), to: writeBaseline)
            ScanMessages.note("baseline: \(findings.count) finding(s) written to \(writeBaseline)")
            ScanMessages.summary(result.summary, reported: 0)
            return inventoryFailed ? 2 : 0
        }
        let color = !noColor && output == nil && ProcessInfo.processInfo.environment["NO_COLOR"] == nil && isatty(STDOUT_FILENO) != 0
        let report = Report.render(findings, format: json ? .json : format.format, rules: ruleSet, color: color)
        if let output {
            try ReportFile.write(report, to: output)
        } else {
            FileHandle.standardOutput.write(Data(report.utf8))
        }
        ScanMessages.summary(result.summary, reported: findings.count)
        if inventoryFailed { return 2 }
        return findings.isEmpty ? 0 : 1
    }

    /// Whether `path` names something (a broken symbolic link counts: the walker reports it).
    private static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// Looks keyward keys up and, with `--revoke`, gives the live ones keyward's leak response
    /// (revoked, finding, `key.leaked`), whether the inventory is the file or a server. Failures after the
    /// inventory was reached carry the findings as far as they got.
    private func linkInventory(_ findings: [SecretFinding]) async throws -> [SecretFinding] {
        guard !noInventory, findings.contains(where: { $0.inventoryLink != nil }) else {
            if revoke && !findings.contains(where: { $0.inventoryLink == .keywardKey }) { ScanMessages.note("revoke: no keyward keys found") }
            return findings
        }
        let inventory: ScanInventory
        do {
            guard let opened = try await ScanInventory.open(db: db) else {
                if revoke { throw ScanInventoryError("--revoke needs an inventory: give --db PATH, or set KEYWARD_ADDR and KEYWARD_TOKEN", findings: findings) }
                return findings
            }
            inventory = opened
        } catch let error as ScanInventoryError {
            throw ScanInventoryError(error.description, findings: error.findings ?? findings)
        } catch {
            throw ScanInventoryError("inventory: \(error)", findings: findings)
        }
        var linked = findings
        do {
            linked = try await InventoryLinker.link(findings, inventory: inventory.lookup)
            if revoke {
                let revocation = await InventoryLinker.respondToLeaks(linked, inventory: inventory.lookup)
                linked = revocation.findings
                ScanMessages.revocation(revocation, via: inventory.name)
                await ScanExternalLeaks.deactivate(linked, db: db)
                if !revocation.failures.isEmpty { throw ScanInventoryError("\(revocation.failures.count) key(s) could not be revoked", findings: linked) }
            }
        } catch let error as ScanInventoryError {
            await inventory.close()
            throw error
        } catch {
            await inventory.close()
            throw ScanInventoryError("inventory look-up through \(inventory.name) failed, statuses are unknown: \(error)", findings: linked)
        }
        await inventory.close()
        return linked
    }
}

/// Runs blocking work on a thread of its own, so the scan's worker threads never occupy the
/// Swift concurrency pool.
func runOffTheCooperativePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread {
            continuation.resume(with: Result { try body() })
        }
    }
}
