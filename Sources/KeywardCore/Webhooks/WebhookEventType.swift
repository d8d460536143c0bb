/// The events a webhook subscription may ask for. Each is an audit action of the same name
/// (except `finding.opened`, see `docs/ARCHITECTURE.md`, "Webhooks"), so the audit log is the
/// event stream and a delivered event can always be traced back to its audit record.
public enum WebhookEventType: String, Sendable, Codable, CaseIterable, Comparable {
    case keyCreated = "key.created"
    case keyRotated = "key.rotated"
    case keyRevoked = "key.revoked"
    case keyExpiring = "key.expiring"
    case keyLeaked = "key.leaked"
    case findingOpened = "finding.opened"
    case drillCompleted = "drill.completed"
    case reviewOverdue = "review.overdue"
    case anomalyDetected = "anomaly.detected"
    /// A key was deactivated or deleted at its provider through a connector (issue 12).
    case keyDeactivated = "key.deactivated"

    public static func < (lhs: WebhookEventType, rhs: WebhookEventType) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The audit actions delivered as they are (every type but `finding.opened`, which comes from
    /// the findings' history).
    public static let auditActions: [String] = allCases.filter { $0 != .findingOpened }.map(\.rawValue)

    /// Parses a list of names, rejecting unknown and repeated ones with a message naming the
    /// allowed values.
    public static func parse(_ names: [String]) throws -> [WebhookEventType] {
        guard !names.isEmpty else {
            throw KeywardError.invalidArgument("events must name at least one event type; allowed: \(allowedList)")
        }
        var seen: Set<WebhookEventType> = []
        for name in names {
            guard let type = WebhookEventType(rawValue: name) else {
                throw KeywardError.invalidArgument("unknown event type \"\(name.prefix(64))\"; allowed: \(allowedList)")
            }
            guard seen.insert(type).inserted else {
                throw KeywardError.invalidArgument("event type \"\(name)\" is listed twice")
            }
        }
        return seen.sorted()
    }

    public static var allowedList: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
