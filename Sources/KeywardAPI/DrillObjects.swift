import KeywardCore

/// `GET /v1/drills`.
public struct DrillList: Codable, Sendable {
    public var drills: [DrillResult]
    public init(drills: [DrillResult]) { self.drills = drills }
}
