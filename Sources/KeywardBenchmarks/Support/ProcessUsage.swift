#if canImport(Glibc)
import Glibc
#endif

/// glibc's `malloc_trim`, which the Glibc module does not export.
@_silgen_name("malloc_trim")
private func mallocTrim(_ pad: Int) -> Int32

/// What the process has used, for benchmark reports: CPU time of all threads, peak resident
/// memory from Linux `/proc/self/status` (`VmHWM`), and resident memory after freed heap pages
/// went back to the system. ``resetPeak()`` starts a new memory window (writes `5` to
/// `/proc/self/clear_refs`), so each phase reports its own peak. CPU time next to wall time shows
/// how much of a slow run was the machine being shared.
public enum ProcessUsage {
    /// User plus system CPU seconds of all threads so far (`CLOCK_PROCESS_CPUTIME_ID`).
    public static func cpuSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
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

    /// Resident bytes after returning freed heap pages to the system (`malloc_trim`), so that the
    /// difference across building a structure is the structure itself; 0 where `/proc` is not
    /// available.
    public static func residentBytesAfterTrim() -> Int {
        _ = mallocTrim(0)
        guard let file = fopen("/proc/self/statm", "r") else { return 0 }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 128)
        guard fgets(&buffer, Int32(buffer.count), file) != nil else { return 0 }
        // "size resident shared …" in pages.
        let line = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let resident = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else { return 0 }
        return resident * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
