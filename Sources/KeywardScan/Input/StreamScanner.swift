#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Scans one input of any size in overlapping chunks (see ``Chunking``), so memory stays
/// bounded and a secret across a chunk boundary is still found, exactly once.
struct StreamScanner {
    let scanner: BufferScanner
    let minimumConfidence: Confidence
    let reportsFailedChecksums: Bool
    /// Inputs with a NUL byte in their first ``binaryProbe`` bytes are skipped as binary,
    /// the test git itself uses.
    static let binaryProbe = 8000

    struct Outcome {
        var bytes = 0
        var binary = false
        var findings: [SecretFinding] = []
        var allowlisted = 0
    }

    func scan<Source: ByteSource>(_ source: inout Source, path: String, commit: CommitInfo?, buffer: ScanBuffer, lineOffset: Int = 0) throws(InputError) -> Outcome {
        let memory = buffer.memory
        let capacity = memory.count
        var outcome = Outcome()
        var builder = FindingBuilder(ruleSet: scanner.ruleSet, minimumConfidence: minimumConfidence, path: path, commit: commit)
        builder.reportsFailedChecksums = reportsFailedChecksums
        builder.lineOffset = lineOffset
        var base = 0
        var filled = 0
        var reportFrom = 0
        var first = true
        while true {
            var ended = false
            while filled < capacity {
                let count = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: memory[filled...]))
                if count == 0 { ended = true; break }
                filled += count
                outcome.bytes += count
            }
            let view = UnsafeRawBufferPointer(rebasing: memory[0..<filled])
            if first {
                first = false
                if filled > 0, memchr(view.baseAddress!, 0, min(filled, Self.binaryProbe)) != nil {
                    outcome.binary = true
                    return outcome
                }
            }
            let reportTo = ended ? filled : filled - Chunking.overlap / 2
            let candidates = scanner.scan(view, report: reportFrom..<reportTo, scratch: buffer.hits)
            if !candidates.isEmpty {
                outcome.findings.append(contentsOf: builder.build(candidates, buffer: view, base: base))
            }
            if ended { break }
            builder.advance(to: base + reportTo, buffer: view, base: base)
            let keep = Chunking.overlap
            memmove(memory.baseAddress!, memory.baseAddress! + (filled - keep), keep)
            base += filled - keep
            filled = keep
            reportFrom = keep / 2
        }
        outcome.allowlisted = builder.allowlisted
        return outcome
    }
}
