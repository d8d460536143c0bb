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

    /// `4 Dec`.
    static func shortDay(_ time: Timestamp) -> String {
        let iso = time.iso8601
        let month = Int(iso.dropFirst(5).prefix(2)) ?? 1
        let day = Int(iso.dropFirst(8).prefix(2)) ?? 1
        return "\(day) \(months[max(0, min(11, month - 1))])"
    }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// The time from `time` to `now` (`12 d`, `5 h`, `3 min`), or `in …` for a future time.
    static func age(_ time: Timestamp?, now: Timestamp) -> String {
        guard let time else { return "—" }
        let milliseconds = now.millisecondsSinceEpoch - time.millisecondsSinceEpoch
        if milliseconds < 0 { return "in " + duration(-milliseconds) }
        return duration(milliseconds)
    }

    /// How long ago `time` was, as a person says it: `just now` under a minute, then
    /// `3 min ago`, `5 h ago`, `12 d ago` ("0 h" read as a fault).
    static func ago(_ time: Timestamp?, now: Timestamp) -> String {
        guard let time else { return "never" }
        let milliseconds = now.millisecondsSinceEpoch - time.millisecondsSinceEpoch
        if milliseconds < 60_000 { return "just now" }
        return duration(milliseconds) + " ago"
    }

    /// A length of time in its largest sensible unit: `40 s`, `3 min`, `5 h` (under two days),
    /// `12 d` (under two years), `3 y`.
    static func duration(_ milliseconds: Int64) -> String {
        let seconds = milliseconds / 1000
        if seconds < 60 { return "\(seconds) s" }
        if seconds < 3600 { return "\(seconds / 60) min" }
        let hours = seconds / 3600
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
