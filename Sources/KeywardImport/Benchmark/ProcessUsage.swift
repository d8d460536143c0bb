#if canImport(Glibc)
import Glibc
#endif

/// The process's peak resident memory, read from Linux `/proc/self/status` (`VmHWM`), for
/// benchmark reports. ``resetPeak()`` starts a new measurement window (writes `5` to
/// `/proc/self/clear_refs`), so each benchmark phase reports its own peak.
public enum ResidentMemory {
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
