import Hummingbird
import KeywardCore

extension Dashboard {
    func drills(user: DashboardUser) async throws -> Response {
        let drills = try await node.store.drills(limit: 100)
        // Oldest on the left, as a timeline reads.
        let bars = drills.reversed().map { drill in
            SVGChart.Bar(label: String(DashboardFormat.day(drill.startedAt).dropFirst(5)), value: Int(drill.overall.p99Milliseconds.rounded()),
                         style: drill.passed ? "bar-ok" : "bar-bad")
        }
        let values: [String: Any] = [
            "drills": drills.map(drillRow), "hasDrills": !drills.isEmpty,
            "chart": SVGChart.columns(Array(bars.suffix(30)), title: "p99 time to revoke per drill (ms), last 30 drills", width: 640),
        ]
        return renderer.page("drills", title: "Revocation drills", section: "drills", user: user, context: values)
    }
}
