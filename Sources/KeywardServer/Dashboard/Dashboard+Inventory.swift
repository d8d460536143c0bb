import Hummingbird
import KeywardCore
import KeywardStore

extension Dashboard {
    /// The inventory opens with what needs someone first (``DashboardInventoryQuery/Sort/urgency``).
    static let defaultInventorySort = DashboardInventoryQuery.Sort.urgency

    /// Reads the inventory's filters from the query string; a value outside the fixed lists is
    /// a 400 page naming the allowed ones.
    static func inventoryQuery(_ request: Request) throws -> DashboardInventoryQuery {
        let parameters = request.uri.queryParameters
        func text(_ name: String) throws -> String? {
            guard let value = parameters[Substring(name)].map(String.init)?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
            guard value.count <= DashboardInventoryQuery.maximumTextLength else {
                throw DashboardError.badRequest("\(name) must be at most \(DashboardInventoryQuery.maximumTextLength) characters")
            }
            return value
        }
        func choice<T: RawRepresentable & CaseIterable>(_ name: String, _ type: T.Type) throws -> T? where T.RawValue == String {
            guard let value = try text(name) else { return nil }
            guard let parsed = T(rawValue: value) else {
                throw DashboardError.badRequest("\(name) must be one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return parsed
        }
        var query = DashboardInventoryQuery()
        query.search = try text("q")
        query.owner = try text("owner")
        query.environment = try text("environment")
        query.provider = try choice("provider", InventoryProvider.self)
        query.status = try choice("status", InventoryStatus.self)
        query.age = try choice("age", DashboardInventoryQuery.Age.self)
        query.findings = try choice("findings", DashboardInventoryQuery.FindingPresence.self)
        query.sort = try choice("sort", DashboardInventoryQuery.Sort.self) ?? Self.defaultInventorySort
        query.descending = try text("dir") == "desc"
        if let page = try text("page") {
            guard let number = Int(page), number >= 1, number <= 1_000_000 else { throw DashboardError.badRequest("page must be a number from 1") }
            query.page = number
        }
        return query
    }

    /// The query string of `query` with some parameters replaced (for sort links and pages).
    static func link(_ query: DashboardInventoryQuery, sort: DashboardInventoryQuery.Sort? = nil, descending: Bool? = nil, page: Int? = nil,
                     path: String = "/ui/inventory") -> String {
        let sortValue = sort ?? query.sort
        let items: [(String, String?)] = [
            ("q", query.search), ("owner", query.owner), ("provider", query.provider?.rawValue), ("environment", query.environment),
            ("status", query.status?.rawValue), ("age", query.age?.rawValue), ("findings", query.findings?.rawValue),
            ("sort", sortValue == defaultInventorySort ? nil : sortValue.rawValue), ("dir", (descending ?? query.descending) ? "desc" : nil),
            ("page", (page ?? 1) > 1 ? String(page ?? 1) : nil),
        ]
        let text = URLText.query(items)
        return text.isEmpty ? path : path + "?" + text
    }

    func inventory(_ request: Request, user: DashboardUser) async throws -> Response {
        let query = try Self.inventoryQuery(request)
        let now = node.clock.now()
        let result = try await node.store.dashboardInventory(query, now: now)
        let pages = max(1, (result.total + query.pageSize - 1) / query.pageSize)
        let columns: [(DashboardInventoryQuery.Sort, String)] = [
            (.name, "Name"), (.owner, "Owner"), (.provider, "Provider"), (.environment, "Environment"), (.status, "Status"),
            (.created, "Age"), (.expires, "Expires"), (.lastUsed, "Last used"),
        ]
        let headers: [[String: Any]] = columns.map { sort, label in
            let active = query.sort == sort
            let nextDescending = active ? !query.descending : false
            var header: [String: Any] = ["label": label, "href": Self.link(query, sort: sort, descending: nextDescending)]
            if active { header["ariaSort"] = query.descending ? "descending" : "ascending"; header["arrow"] = query.descending ? "▼" : "▲" }
            return header
        }
        let rows: [[String: Any]] = result.rows.map { row in
            var values: [String: Any] = [
                "name": row.name, "owner": row.owner ?? "—", "provider": row.provider, "environment": row.environments.joined(separator: ", "),
                "status": row.status, "age": DashboardFormat.age(row.createdAt, now: now), "created": DashboardFormat.day(row.createdAt),
                "expires": DashboardFormat.day(row.expiresAt), "lastUsed": DashboardFormat.ago(row.lastUsedAt, now: now),
                "findings": row.activeFindings, "hasFindings": row.activeFindings > 0, "id": row.id, "externalID": row.externalID ?? "",
            ]
            values["href"] = row.kind == .key ? "/ui/keys/\(row.id)" : "/ui/findings?" + URLText.query([("subject", row.id)])
            return values
        }
        func options<T: RawRepresentable & CaseIterable>(_ type: T.Type, selected: T?, label: (T) -> String = { $0.rawValue }) -> [[String: Any]] where T.RawValue == String {
            T.allCases.map { ["value": $0.rawValue, "label": label($0), "selected": $0.rawValue == selected?.rawValue] }
        }
        var context: [String: Any] = [
            "q": query.search ?? "", "owner": query.owner ?? "", "environment": query.environment ?? "",
            "providers": options(InventoryProvider.self, selected: query.provider),
            "statuses": options(InventoryStatus.self, selected: query.status),
            "ages": options(DashboardInventoryQuery.Age.self, selected: query.age, label: \.label),
            "findingChoices": [["value": "any", "label": "with active findings", "selected": query.findings == .with],
                               ["value": "none", "label": "without findings", "selected": query.findings == .without]],
            "headers": headers, "rows": rows, "hasRows": !rows.isEmpty, "total": result.total, "page": query.page, "pages": pages,
            "csv": Self.link(query, path: "/ui/inventory.csv"),
            "sortName": query.sort.rawValue, "dir": query.descending ? "desc" : "",
            "orders": [(DashboardInventoryQuery.Sort.urgency, "most urgent first"), (.added, "order added")].map { sort, label -> [String: Any] in
                ["label": label, "href": Self.link(query, sort: sort, descending: false), "current": query.sort == sort && !query.descending]
            },
        ]
        if query.page > 1 { context["previous"] = Self.link(query, page: query.page - 1) }
        if query.page < pages { context["next"] = Self.link(query, page: query.page + 1) }
        return renderer.page("inventory", title: "Inventory", section: "inventory", user: user, context: context)
    }
}
