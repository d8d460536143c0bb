import Hummingbird
import KeywardCore
import KeywardStore
import NIOCore

extension Dashboard {
    static let csvColumns = ["kind", "id", "name", "owner", "provider", "environments", "status", "external_id", "created_at", "expires_at",
                             "last_used_at", "active_findings"]

    /// The filtered inventory as CSV (RFC 4180), streamed page by page so that a million rows
    /// never sit in memory. Never a secret: keys appear by id and name only.
    func inventoryCSV(_ request: Request, user: DashboardUser) async throws -> Response {
        let query = try Self.inventoryQuery(request)
        let now = node.clock.now()
        let store = node.store
        var headers = DashboardRenderer.securityHeaders()
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] = #"attachment; filename="keyward-inventory-\#(DashboardFormat.day(now)).csv""#
        let body = ResponseBody { writer in
            try await writer.write(ByteBuffer(string: Self.csvColumns.joined(separator: ",") + "\r\n"))
            try await store.forEachDashboardInventoryPage(query, now: now) { rows in
                var text = ""
                for row in rows { text += Self.csvLine(row) }
                try await writer.write(ByteBuffer(string: text))
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    static func csvLine(_ row: DashboardInventoryRow) -> String {
        let fields = [
            row.kind.rawValue, row.id, row.name, row.owner ?? "", row.provider, row.environments.joined(separator: " "), row.status,
            row.externalID ?? "", row.createdAt?.iso8601 ?? "", row.expiresAt?.iso8601 ?? "", row.lastUsedAt?.iso8601 ?? "", String(row.activeFindings),
        ]
        return fields.map(csvField).joined(separator: ",") + "\r\n"
    }

    /// Quotes a field when it needs it, and defuses spreadsheet formulas (a cell starting with
    /// `=`, `+`, `-`, `@`, tab or CR is prefixed with `'`), since names and owners come from
    /// imported files that anyone may have written.
    static func csvField(_ value: String) -> String {
        var text = value
        if let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { text = "'" + text }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
