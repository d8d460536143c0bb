import KeywardCore
import KeywardImport

/// The import benchmark behind `keyward bench governance`: generate a credential report of
/// `rows` users, import it into an empty inventory, then import it again over the result (the
/// idempotent path every scheduled re-import takes).
public enum ImportBenchmark {
    public struct Result: Sendable, Equatable {
        public var rows: Int
        public var fileBytes: Int64
        public var records: Int
        public var rejected: Int
        /// The first rejection, so a generator or parser regression shows in the output.
        public var firstRejection: String?
        public var firstImport: Duration
        public var reimport: Duration
        public var reimportUnchanged: Int
        /// CPU seconds (all threads) of the first import and of the re-import.
        public var firstImportCPUSeconds: Double
        public var reimportCPUSeconds: Double
        /// Peak resident memory during the imports (not the generation), when measurable.
        public var peakBytes: Int64?
    }

    public static func run(rows: Int, path: String, now: Timestamp) throws -> Result {
        let size = try CredentialReportGenerator(rows: rows, now: now).write(to: path)
        ProcessUsage.resetPeak()
        let clock = ContinuousClock()
        var first: ImportResult?
        let cpuStart = ProcessUsage.cpuSeconds()
        let firstDuration = try clock.measure {
            first = try Importer.run(kind: .awsCredentialReport, file: path, existing: [], now: now)
        }
        let records = first?.records ?? []
        let cpuMiddle = ProcessUsage.cpuSeconds()
        var second: ImportResult?
        let secondDuration = try clock.measure {
            second = try Importer.run(kind: .awsCredentialReport, file: path, existing: records, now: now)
        }
        return Result(rows: rows, fileBytes: size, records: records.count, rejected: first?.rejected ?? 0,
                      firstRejection: first?.rejections.first?.description,
                      firstImport: firstDuration, reimport: secondDuration,
                      reimportUnchanged: second?.unchanged ?? 0, firstImportCPUSeconds: cpuMiddle - cpuStart,
                      reimportCPUSeconds: ProcessUsage.cpuSeconds() - cpuMiddle, peakBytes: ProcessUsage.peakBytes())
    }
}
