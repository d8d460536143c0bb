/// Shannon entropy in bits per byte, the measure gitleaks and most scanners use to tell random
/// values from words: English text sits around 2.5–3.5, random base62 near 5.
enum Entropy {
    static func shannon(_ bytes: UnsafeRawBufferPointer) -> Double {
        guard !bytes.isEmpty else { return 0 }
        return withUnsafeTemporaryAllocation(of: Int32.self, capacity: 256) { counts -> Double in
            counts.initialize(repeating: 0)
            for byte in bytes { counts[Int(byte)] += 1 }
            let total = Double(bytes.count)
            var entropy = 0.0
            for count in counts where count > 0 {
                let p = Double(count) / total
                entropy -= p * log2(p)
            }
            return entropy
        }
    }

    static func shannon(_ bytes: [UInt8]) -> Double {
        bytes.withUnsafeBytes { shannon($0) }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
