import Hummingbird
import KeywardAPI
import KeywardCore
import KeywardStore

/// `/v1/keys…` and `/v1/revocations`: issue, list, show, rotate, revoke, disable, enable, look up.
enum KeyRoutes {
    static func routes(_ node: KeywardNode) -> [APIRoute] {
        let keys = node.keys
        return [
            APIRoute(.post, "/v1/keys", scope: "keyward:write") { request, context, credential in
                let body = try await JSONBody.decode(IssueRequest.self, from: request, context: context, allowed: [
                    "name", "owner", "scopes", "environment", "expires_at", "ttl_seconds", "meta", "rate_limit", "allowed_cidrs", "class",
                ], nested: ["rate_limit": ["limit", "window_seconds"]])
                let issued = try await keys.issue(body, by: credential!.principal)
                return try JSONBody.response(IssuedKeyObject(key: issued.plaintext.reveal(), object: node.present(issued.record)), status: .created)
            },
            APIRoute(.get, "/v1/keys", scope: "keyward:read") { request, _, _ in
                var filter = KeyFilter()
                filter.owner = try request.query("owner")
                filter.environment = try request.query("environment")
                if let status = try request.query("status") {
                    guard let parsed = KeyStatus(rawValue: status) else {
                        throw APIError.badRequest("status must be one of \(KeyStatus.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(status)\"")
                    }
                    filter.status = parsed
                }
                if let keyClass = try request.query("class") {
                    // Drill and canary keys are listed only when asked for (KeyClass); "all" lists every class.
                    guard keyClass == "all" || KeyClass(rawValue: keyClass) != nil else {
                        throw APIError.badRequest("class must be one of \((KeyClass.allCases.map(\.rawValue) + ["all"]).joined(separator: ", ")), got \"\(keyClass.prefix(32))\"")
                    }
                    filter.keyClass = KeyClass(rawValue: keyClass)
                }
                filter.limit = try request.intQuery("limit") ?? KeyFilter.defaultLimit
                filter.cursor = try request.query("cursor")
                let page = try await keys.list(filter)
                return try JSONBody.response(KeyListObject(keys: page.keys.map(node.present), nextCursor: page.nextCursor))
            },
            APIRoute(.get, "/v1/keys/{id}", scope: "keyward:read") { _, context, _ in
                try JSONBody.response(node.present(try await keys.key(id: context.keyID())))
            },
            APIRoute(.post, "/v1/keys/{id}/rotate", scope: "keyward:write") { request, context, credential in
                let id = try context.keyID()
                let body = try await optionalBody(RotateBody.self, request, context, allowed: ["grace_seconds"])
                let rotation = try await keys.rotate(id: id, graceSeconds: body?.graceSeconds, by: credential!.principal)
                let retired = node.present(rotation.retired)
                return try JSONBody.response(
                    IssuedKeyObject(
                        key: rotation.successor.plaintext.reveal(), object: node.present(rotation.successor.record),
                        replaces: .init(id: retired.id, status: retired.status, expiresAt: retired.expiresAt)
                    ),
                    status: .created
                )
            },
            APIRoute(.post, "/v1/keys/{id}/revoke", scope: "keyward:write") { request, context, credential in
                let id = try context.keyID()
                let body = try await optionalBody(RevokeBody.self, request, context, allowed: ["reason", "source"])
                var details: [String: JSONValue] = [:]
                if let source = body?.source {
                    try RecordLimits.checkMeta(source)
                    details["found_at"] = .object(source)
                }
                return try JSONBody.response(node.present(try await keys.revoke(id: id, reason: body?.reason, by: credential!.principal, details: details)))
            },
            APIRoute(.post, "/v1/keys/{id}/disable", scope: "keyward:write") { _, context, credential in
                try JSONBody.response(node.present(try await keys.setDisabled(id: context.keyID(), true, by: credential!.principal)))
            },
            APIRoute(.post, "/v1/keys/{id}/enable", scope: "keyward:write") { _, context, credential in
                try JSONBody.response(node.present(try await keys.setDisabled(id: context.keyID(), false, by: credential!.principal)))
            },
            APIRoute(.post, "/v1/keys/lookup", scope: "keyward:read") { request, context, _ in
                let body = try await JSONBody.decode(LookupBody.self, from: request, context: context, allowed: ["hashes"])
                guard body.hashes.count <= 1000 else { throw APIError.badRequest("at most 1000 hashes per lookup, got \(body.hashes.count)") }
                let hashes = try body.hashes.map { text in
                    guard let hash = KeyHash(hex: text) else {
                        throw APIError.badRequest("'\(text.prefix(70))' is not a SHA-256 hex digest (64 hex characters)")
                    }
                    return hash
                }
                let found = try await node.store.keys(hashes: hashes)
                let now = node.clock.now()
                let matches = hashes.compactMap { hash in
                    found[hash].map { LookupResult.Match(hash: hash.hex, keyID: $0.id.description, status: $0.status(at: now), owner: $0.owner, name: $0.name) }
                }
                return try JSONBody.response(LookupResult(matches: matches))
            },
            APIRoute(.post, "/v1/revocations", scope: "keyward:write") { request, context, credential in
                let body = try await JSONBody.decode(BulkRevokeBody.self, from: request, context: context, allowed: ["owner", "reason"])
                let revoked = try await keys.revokeAll(owner: body.owner, reason: body.reason, by: credential!.principal)
                return try JSONBody.response(BulkRevokeResult(owner: body.owner, revoked: revoked.count, keyIDs: revoked.map(\.id.description)))
            },
        ]
    }

    /// Rotate and revoke take an optional body: none, empty, or a JSON object.
    static func optionalBody<T: Decodable>(_ type: T.Type, _ request: Request, _ context: KeywardRequestContext, allowed: Set<String>) async throws -> T? {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        guard buffer.readableBytes > 0 else { return nil }
        return try JSONBody.decode(type, from: buffer, allowed: allowed)
    }
}
