import KeywardAPI
import KeywardCore

extension Dashboard {
    /// Hours in the key page's usage chart.
    static let usageHours = 48

    /// Verification results grouped for the chart: accepted, refused because of the key's
    /// status, refused by its restrictions (scope, network, rate).
    static let usageSeries: [(series: SVGChart.Series, codes: Set<String>)] = [
        (SVGChart.Series(name: "valid", style: "bar-valid"), [VerificationCode.valid.rawValue]),
        (SVGChart.Series(name: "revoked / expired / disabled", style: "bar-refused"),
         [VerificationCode.revoked.rawValue, VerificationCode.expired.rawValue, VerificationCode.disabled.rawValue]),
        (SVGChart.Series(name: "scope / network / rate", style: "bar-other"),
         [VerificationCode.insufficientScope.rawValue, VerificationCode.ipNotAllowed.rawValue, VerificationCode.rateLimited.rawValue]),
    ]

    /// The key page's usage section, from the usage monitor (issue 6): verifications per hour by
    /// result, the callers, and during a rotation who still presents the old key.
    func usageSection(id: KeyID, record: KeyRecord, now: Timestamp) async throws -> [String: Any] {
        let usage = try await node.keyUsage(id: id, hours: Self.usageHours)
        var byHour: [Int64: [String: Int64]] = [:]
        for bucket in usage.buckets { byHour[bucket.hour.millisecondsSinceEpoch] = bucket.counts }
        let start = usage.from.millisecondsSinceEpoch
        let columns: [SVGChart.Column] = (0..<usage.hours).map { offset in
            let hour = start + Int64(offset) * 3_600_000
            let counts = byHour[hour] ?? [:]
            let label = String(Timestamp(millisecondsSinceEpoch: hour).iso8601.dropFirst(11).prefix(2)) + "h"
            return SVGChart.Column(label: label, values: Self.usageSeries.map { group in
                Int(group.codes.reduce(Int64(0)) { $0 + (counts[$1] ?? 0) })
            })
        }
        var values: [String: Any] = [
            "usageHours": usage.hours,
            "callers": usage.callers.prefix(20).map(callerRow), "hasCallers": !usage.callers.isEmpty,
        ]
        if usage.buckets.contains(where: { $0.total > 0 }) {
            values["usageChart"] = SVGChart.stacked(columns, series: Self.usageSeries.map(\.series), title: "Verifications per hour by result",
                                                    width: 1000, height: 240, labelEvery: 6)
        }
        if let rotation = usage.rotation {
            var summary = rotation.advice
            if rotation.oldKeyID == id.description {
                summary = "Rotated into \(rotation.newKeyID). " + summary
            }
            values["rotation"] = ["summary": summary, "stragglers": rotation.notYetSwitched.map(callerRow), "hasStragglers": !rotation.notYetSwitched.isEmpty]
        }
        return values
    }

    func callerRow(_ caller: CallerObject) -> [String: Any] {
        ["address": caller.address ?? caller.network ?? caller.id, "name": caller.name, "environment": caller.environment ?? "—",
         "count": caller.count, "valid": caller.validCount,
         "lastSeen": DashboardFormat.time(caller.lastSeen)]
    }
}
