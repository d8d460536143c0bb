import Foundation
import KeywardScan

/// What `keyward scan` writes to standard error: problems, the summary, revocations.
/// Standard output carries the report only, so it can be piped into other tools.
enum ScanMessages {
    static func write(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }
    static func error(_ message: String) { write("error: \(message)") }
    static func note(_ message: String) { write(message) }

    /// Inputs that could not be scanned, at most twenty by name.
    static func problems(_ problems: [ScanProblem]) {
        for problem in problems.prefix(20) { write("skipped: \(problem.path): \(problem.reason)") }
        if problems.count > 20 { write("skipped: … and \(problems.count - 20) more") }
    }

    static func summary(_ summary: ScanSummary, reported: Int) {
        var parts = ["scanned \(summary.inputsScanned) input(s), \(ByteCount.text(summary.bytesScanned)) in \(String(format: "%.2f", summary.seconds)) s"]
        if summary.commitsScanned > 0 { parts.append("\(summary.commitsScanned) commit(s)") }
        if summary.archivesOpened > 0 { parts.append("\(summary.archivesOpened) archive(s) opened") }
        if summary.binarySkipped > 0 { parts.append("\(summary.binarySkipped) binary skipped") }
        if summary.symlinksSkipped > 0 { parts.append("\(summary.symlinksSkipped) symlink(s) not followed") }
        if summary.allowlistedInputs + summary.allowlistedFindings > 0 {
            parts.append("\(summary.allowlistedInputs) input(s) and \(summary.allowlistedFindings) finding(s) allow-listed")
        }
        if !summary.problems.isEmpty { parts.append("\(summary.problems.count) unreadable") }
        parts.append(reported == 0 ? "no leaks found" : "\(reported) finding(s)")
        write(parts.joined(separator: "; "))
    }

    static func revocation(_ revocation: InventoryLinker.Revocation, via inventory: String) {
        for (keyID, sighting) in revocation.revoked {
            let place = sighting.locations.first?.place ?? "?"
            let more = sighting.locationsFound > 1 ? " and \(sighting.locationsFound - 1) more place(s)" : ""
            write("revoked \(keyID) (found at \(place)\(more)) via \(inventory), recorded as a leak (leaked-key finding, key.leaked)")
        }
        for (keyID, error) in revocation.failures { write("error: could not revoke \(keyID): \(error)") }
        if revocation.revoked.isEmpty && revocation.failures.isEmpty { write("revoke: no live keyward keys among the findings") }
        if !revocation.revoked.isEmpty, inventory.hasPrefix("database") {
            write("note: a server running on this database sees the revocation at its next change-feed poll (under a second)")
        }
    }
}

enum ByteCount {
    static func text(_ bytes: Int) -> String {
        if bytes >= 1 << 30 { return String(format: "%.1f GB", Double(bytes) / 1e9) }
        if bytes >= 1 << 20 { return String(format: "%.1f MB", Double(bytes) / 1e6) }
        if bytes >= 1 << 10 { return String(format: "%.1f kB", Double(bytes) / 1e3) }
        return "\(bytes) B"
    }
}
