#if canImport(Glibc)
import Glibc
#endif

/// What the process has used, for benchmark reports: peak resident memory from Linux
/// `/proc/self/status` (`VmHWM`) and CPU time from `getrusage`. ``resetPeak()`` starts a new
/// memory window (writes `5` to `/proc/self/clear_refs`), so each phase reports its own peak.
/// CPU time next to wall time shows how much of a slow run was the machine being shared.
public enum ProcessUsage {
    /// User plus system CPU seconds of all threads so far.
    public static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// Peak resident set size in bytes, or nil where `/proc` is not available.
    public static func peakBytes() -> Int64? {
        guard let file = fopen("/proc/self/status", "r") else { return nil }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 256)
        while fgets(&buffer, Int32(buffer.count), file) != nil {
            let line = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            guard line.hasPrefix("VmHWM:") else { continue }
            let digits = line.filter(\.isNumber)
            return Int64(digits).map { $0 * 1024 }
        }
        return nil
    }

    /// Resets the peak to the current resident size; returns false where the kernel refuses.
    @discardableResult
    public static func resetPeak() -> Bool {
        guard let file = fopen("/proc/self/clear_refs", "w") else { return false }
        defer { fclose(file) }
        return fputs("5", file) >= 0
    }
}
