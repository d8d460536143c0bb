/// Comparison of secrets (CSRF tokens) whose running time does not depend on where the inputs
/// first differ, so response timing does not reveal how much of a guess was right.
enum ConstantTime {
    static func equals(_ lhs: String, _ rhs: String) -> Bool {
        let a = Array(lhs.utf8)
        let b = Array(rhs.utf8)
        // Lengths are not secret (tokens have one fixed length); compare every byte regardless.
        var difference: UInt8 = a.count == b.count ? 0 : 1
        let count = max(a.count, b.count)
        for index in 0..<count {
            let x = index < a.count ? a[index] : 0
            let y = index < b.count ? b[index] : 0
            difference |= x ^ y
        }
        return difference == 0
    }
}
