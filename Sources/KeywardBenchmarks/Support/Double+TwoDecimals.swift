extension Double {
    /// `12.30`: two decimals, as the governance benchmark prints seconds.
    var twoDecimals: String {
        let hundredths = Int((self * 100).rounded())
        return "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)"
    }
}
