import Hummingbird
import KeywardAPI
import KeywardCore
import KeywardGovernance
import KeywardImport
import KeywardStore

/// `/v1/inventory…`: one view of keyward keys and external records, imports of other systems'
/// exports, and the history of imports.
enum InventoryRoutes {
    static func routes(_ node: KeywardNode) -> [APIRoute] {
        let governance = node.governance
        let limits = node.configuration.limits
        let uploads = UploadLimiter(maxUploads: limits.maxConcurrentImports, maxBytes: limits.importSpoolBytes)
        return [
            APIRoute(.get, "/v1/inventory", scope: "keyward:read") { request, _, _ in
                var filter = InventoryFilter()
                filter.provider = try request.enumQuery("provider", as: InventoryProvider.self)
                filter.owner = try request.query("owner")
                filter.environment = try request.query("environment")
                filter.status = try request.enumQuery("status", as: InventoryStatus.self)
                filter.limit = try request.intQuery("limit") ?? InventoryFilter.defaultLimit
                filter.cursor = try request.query("cursor")
                let page = try await governance.inventory(filter)
                return try JSONBody.response(InventoryListObject(page, now: node.clock.now()))
            },
            APIRoute(.post, "/v1/inventory/lookup", scope: "keyward:read") { request, context, _ in
                let body = try await JSONBody.decode(InventoryLookupBody.self, from: request, context: context, allowed: ["external_ids", "provider"])
                guard body.externalIDs.count <= InventoryLookupBody.maximumCount else {
                    throw APIError.badRequest("at most \(InventoryLookupBody.maximumCount) external_ids per lookup, got \(body.externalIDs.count)")
                }
                if let long = body.externalIDs.first(where: { $0.isEmpty || $0.utf8.count > InventoryLookupBody.maximumLength }) {
                    throw APIError.badRequest("each external id must be 1 to \(InventoryLookupBody.maximumLength) bytes, got \(long.utf8.count)")
                }
                var provider: InventoryProvider?
                if let text = body.provider {
                    guard let known = InventoryProvider(rawValue: text) else {
                        throw APIError.badRequest("unknown provider \"\(text.prefix(40))\"; providers: \(InventoryProvider.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    provider = known
                }
                let records = try await governance.records(externalIDs: Array(Set(body.externalIDs)), provider: provider)
                return try JSONBody.response(InventoryLookupResult(matches: records.compactMap(InventoryLookupResult.Match.init)))
            },
            // The body is the export file itself (any content type), streamed to a temporary file;
            // `file` names it in rejections and the audit log.
            APIRoute(.post, "/v1/inventory/import/{kind}", scope: "keyward:write", maxBodyBytes: node.configuration.maxImportBytes) {
                request, context, credential in
                let text = context.parameters.get("kind") ?? ""
                guard let kind = ImportKind(rawValue: text) else {
                    throw APIError.notFound(GivenIdentifier.importKind.message(text) {
                        "unknown import \($0); kinds: \(ImportKind.allCases.map(\.rawValue).joined(separator: ", "))"
                    })
                }
                let fileName = try request.query("file") ?? "upload"
                try uploads.enter(announcing: request.headers[.contentLength].flatMap(Int.init))
                defer { uploads.leave() }
                let spool = try await UploadSpool.write(request.body, limit: node.configuration.maxImportBytes, limiter: uploads)
                defer { spool.remove() }
                let outcome = try await GovernanceRoutes.mappingFileErrors {
                    try await governance.importFile(kind: kind, path: spool.path, fileName: fileName, by: credential!.principal)
                }
                return try JSONBody.response(ImportRunObject(outcome))
            },
            APIRoute(.get, "/v1/inventory/imports", scope: "keyward:read") { request, _, _ in
                let runs = try await governance.importRuns(limit: try request.intQuery("limit") ?? 50)
                return try JSONBody.response(ImportRunListObject(imports: runs.map(ImportRunObject.init)))
            },
        ]
    }
}
