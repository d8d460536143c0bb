extension ImportBenchmark.Result: CustomStringConvertible {
    /// The lines `keyward bench governance` prints for the import phase.
    public var description: String {
        let megabytes = Double(fileBytes) / 1_048_576
        let firstSeconds = firstImport.seconds
        let againSeconds = reimport.seconds
        let peak = peakBytes.map { "\($0 / 1_048_576) MiB" } ?? "n/a"
        return """
        import aws-credential-report: \(rows) rows, \(Int(megabytes.rounded())) MiB, \(records) records, \(rejected) rejected
          first import:  \(firstSeconds.twoDecimals) s wall, \(firstImportCPUSeconds.twoDecimals) s CPU (\(Int(Double(rows) / max(firstSeconds, 1e-9))) rows/s)
          re-import:     \(againSeconds.twoDecimals) s wall, \(reimportCPUSeconds.twoDecimals) s CPU (\(reimportUnchanged) unchanged)
          peak memory:   \(peak)
        """ + (firstRejection.map { "\n  first rejection: \($0)" } ?? "")
    }
}
