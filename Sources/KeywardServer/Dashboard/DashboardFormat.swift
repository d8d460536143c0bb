import KeywardCore

/// How the dashboard writes times, ages and counts.
enum DashboardFormat {
    /// `2026-11-29 22:55 UTC`.
    static func time(_ time: Timestamp?) -> String {
        guard let time else { return "—" }
        let iso = time.iso8601
        return String(iso.prefix(10)) + " " + String(iso.dropFirst(11).prefix(5)) + " UTC"
    }

    /// `2026-11-29`.
    static func day(_ time: Timestamp?) -> String {
        guard let time else { return "—" }
        return String(time.iso8601.prefix(10))
    }

    /// Whole days from `time` to `now` (`12 d`), or hours under a day.
    static func age(_ time: Timestamp?, now: Timestamp) -> String {
        guard let time else { return "—" }
        let milliseconds = now.millisecondsSinceEpoch - time.millisecondsSinceEpoch
        if milliseconds < 0 { return "in " + span(-milliseconds) }
        return span(milliseconds)
    }

    private static func span(_ milliseconds: Int64) -> String {
        let hours = milliseconds / 3_600_000
        if hours < 48 { return "\(hours) h" }
        let days = hours / 24
        if days < 730 { return "\(days) d" }
        return "\(days / 365) y"
    }

    static func percent(_ part: Int, of whole: Int) -> String {
        guard whole > 0 else { return "100 %" }
        return "\(Int((Double(part) * 100 / Double(whole)).rounded())) %"
    }

    static func milliseconds(_ value: Double) -> String {
        value >= 100 ? "\(Int(value.rounded())) ms" : String(Double(Int(value * 10)) / 10) + " ms"
    }
}
