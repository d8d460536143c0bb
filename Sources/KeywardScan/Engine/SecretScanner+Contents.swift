#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Inputs read whole instead of streamed, because their structure is read too: archives, whose
/// entries are scanned one by one, and agent configurations (MCP servers, `.env` files), whose
/// names say which values are secrets.
extension SecretScanner {
    enum WholeInput {
        case archive
        case agentConfig

        init?(path: String) {
            if ArchiveFormat(name: path) != nil {
                self = .archive
            } else if AgentConfigKind(path: path) != nil {
                self = .agentConfig
            } else {
                return nil
            }
        }
    }

    /// Reads the file whole and scans it; nil when it is too large to read whole (it is then
    /// streamed like any file: an archive is skipped as binary, with a problem saying why).
    func scanWhole(_ kind: WholeInput, descriptor: Int32, path: String, buffer: ScanBuffer, summary: inout ScanSummary) -> (findings: [SecretFinding], bytes: Int)? {
        let limit = kind == .archive ? options.archives.maximumArchiveBytes : MCPConfig.maximumBytes
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return nil }
        let size = Int(info.st_size)
        guard size <= limit else {
            if kind == .archive { summary.problems.append(ScanProblem(path: path, reason: "archive larger than \(limit >> 20) MiB, not opened")) }
            return nil
        }
        var bytes = [UInt8](repeating: 0, count: size)
        var source = DescriptorSource(descriptor: descriptor)
        let read = bytes.withUnsafeMutableBytes { raw -> Result<Int, InputError> in
            var filled = 0
            while filled < raw.count {
                do throws(InputError) {
                    let count = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[filled...]))
                    if count == 0 { break }
                    filled += count
                } catch {
                    return .failure(error)
                }
            }
            return .success(filled)
        }
        let filled: Int
        switch read {
        case .success(let count): filled = count
        case .failure(let error):
            summary.problems.append(ScanProblem(path: path, reason: error.reason))
            return ([], 0)
        }
        bytes.removeLast(size - filled)
        return (scanContents(bytes, path: path, buffer: buffer, summary: &summary), filled)
    }

    /// Scans bytes in memory named `path`: an archive's entries when it is one, else the bytes.
    func scanContents(_ bytes: [UInt8], path: String, buffer: ScanBuffer, summary: inout ScanSummary) -> [SecretFinding] {
        guard let format = ArchiveFormat(name: path), bytes.withUnsafeBytes({ format.matches($0) }) else {
            return scanPlain(bytes, path: path, buffer: buffer, summary: &summary)
        }
        var walk = ArchiveWalk(limits: options.archives)
        var findings: [SecretFinding] = []
        walk.walk(bytes, format: format, path: path) { entry, contents in
            findings += scanPlain(contents, path: entry, buffer: buffer, summary: &summary)
        }
        summary.archivesOpened += walk.archivesOpened
        summary.problems += walk.problems
        return findings
    }

    /// One file's bytes through the rules, then, for an agent configuration, through its structure.
    private func scanPlain(_ bytes: [UInt8], path: String, buffer: ScanBuffer, summary: inout ScanSummary) -> [SecretFinding] {
        var source = ArraySource(bytes: bytes)
        do {
            let outcome = try streamScanner.scan(&source, path: path, commit: nil, buffer: buffer)
            summary.record(outcome)
            guard !outcome.binary, bytes.count <= MCPConfig.maximumBytes, let kind = AgentConfigKind(path: path) else { return outcome.findings }
            let structured = AgentConfigFindings(kind: kind, ruleSet: ruleSet, minimumConfidence: options.minimumConfidence)
                .apply(to: outcome.findings, bytes: bytes, path: path, commit: nil)
            summary.allowlistedFindings += structured.allowlisted
            return structured.findings
        } catch {
            summary.problems.append(ScanProblem(path: path, reason: error.reason))
            return []
        }
    }
}
