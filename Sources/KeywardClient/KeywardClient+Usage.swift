import KeywardAPI
import KeywardCore

extension KeywardClient {
    /// `GET /v1/keys/{id}/usage`.
    public func usage(id: String, hours: Int? = nil, quietSeconds: Int64? = nil) async throws -> KeyUsageObject {
        var query: [(String, String)] = []
        if let hours { query.append(("hours", String(hours))) }
        if let quietSeconds { query.append(("quiet_seconds", String(quietSeconds))) }
        return try await send(.GET, "/v1/keys/\(try Self.pathSegment(id))/usage", query: query)
    }

    /// `GET /v1/keys/{id}/blast-radius`.
    public func blastRadius(id: String, days: Int? = nil) async throws -> BlastRadiusObject {
        try await send(.GET, "/v1/keys/\(try Self.pathSegment(id))/blast-radius", query: days.map { [("days", String($0))] } ?? [])
    }
}

extension KeywardClient {
    /// `POST /v1/verify` naming the caller for usage monitoring.
    public func verify(_ body: VerifyBody) async throws -> VerifyResult {
        try await send(.POST, "/v1/verify", body: body)
    }
}
