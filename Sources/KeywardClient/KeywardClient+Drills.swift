import KeywardAPI
import KeywardCore

extension KeywardClient {
    public func recordDrill(_ result: DrillResult) async throws -> DrillResult {
        try await send(.POST, "/v1/drills", body: result)
    }

    public func drills(limit: Int? = nil) async throws -> DrillList {
        try await send(.GET, "/v1/drills", query: limit.map { [("limit", String($0))] } ?? [])
    }
}
