extension ImportBenchmark.Result: CustomStringConvertible {
    /// The lines `keyward bench governance` prints for the import phase.
    public var description: String {
        let megabytes = Double(fileBytes) / 1_048_576
        let first = firstImport.components
        let firstSeconds = Double(first.seconds) + Double(first.attoseconds) / 1e18
        let again = reimport.components
        let againSeconds = Double(again.seconds) + Double(again.attoseconds) / 1e18
        let peak = peakBytes.map { "\($0 / 1_048_576) MiB" } ?? "n/a"
        return """
        import aws-credential-report: \(rows) rows, \(Int(megabytes.rounded())) MiB, \(records) records, \(rejected) rejected
          first import:  \(format(firstSeconds)) s wall, \(format(firstImportCPUSeconds)) s CPU (\(Int(Double(rows) / max(firstSeconds, 1e-9))) rows/s)
          re-import:     \(format(againSeconds)) s wall, \(format(reimportCPUSeconds)) s CPU (\(reimportUnchanged) unchanged)
          peak memory:   \(peak)
        """ + (firstRejection.map { "\n  first rejection: \($0)" } ?? "")
    }

    private func format(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        return "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)"
    }
}
