import Hummingbird
import KeywardAPI
import KeywardCore
import KeywardGovernance

/// `/v1/owners…`: the owner registry, departures and offboarding.
enum OwnerRoutes {
    static func routes(_ node: KeywardNode) -> [APIRoute] {
        let governance = node.governance
        return [
            APIRoute(.post, "/v1/owners", scope: "keyward:write") { request, context, credential in
                let body = try await JSONBody.decode(OwnerCreateBody.self, from: request, context: context,
                                                     allowed: ["handle", "kind", "display_name", "contact", "aliases"])
                let entry = OwnerEntry(handle: body.handle, kind: body.kind ?? .team, displayName: body.displayName, contact: body.contact,
                                       aliases: body.aliases ?? [])
                return try JSONBody.response(try await governance.addOwner(entry, by: credential!.principal), status: .created)
            },
            APIRoute(.get, "/v1/owners", scope: "keyward:read") { request, _, _ in
                let status = try request.enumQuery("status", as: OwnerEntry.Status.self)
                return try JSONBody.response(OwnerListObject(owners: try await governance.owners(status: status)))
            },
            APIRoute(.get, "/v1/owners/{handle}", scope: "keyward:read") { _, context, _ in
                try JSONBody.response(try await governance.owner(handle: try context.textParameter("handle", as: .ownerHandle)))
            },
            APIRoute(.patch, "/v1/owners/{handle}", scope: "keyward:write") { request, context, credential in
                let handle = try context.textParameter("handle", as: .ownerHandle)
                let body = try await JSONBody.decode(OwnerUpdateBody.self, from: request, context: context,
                                                     allowed: ["kind", "display_name", "contact", "status", "aliases"])
                return try JSONBody.response(try await governance.updateOwner(handle: handle, body, by: credential!.principal))
            },
            APIRoute(.post, "/v1/owners/{handle}/depart", scope: "keyward:write") { _, context, credential in
                try JSONBody.response(try await governance.depart(handle: try context.textParameter("handle", as: .ownerHandle), by: credential!.principal))
            },
            APIRoute(.post, "/v1/owners/{handle}/offboard", scope: "keyward:write") { request, context, credential in
                let handle = try context.textParameter("handle", as: .ownerHandle)
                let body = try await KeyRoutes.optionalBody(OffboardBody.self, request, context, allowed: ["reason"])
                let report = try await governance.offboard(handle: handle, reason: body?.reason, by: credential!.principal)
                // External keys whose connector may deactivate them are stopped at the provider too.
                let deactivated = await node.connectors.deactivateAutomatically(
                    recordIDs: report.findings.filter { $0.subject.kind == .externalKey }.map(\.subject.id),
                    reason: "owner \(report.owner.handle) offboarded" + (body?.reason.map { ": \($0)" } ?? ""), via: "offboarding",
                    by: credential!.principal)
                var answer = OffboardResultObject(report)
                answer.deactivated = deactivated.map { RemediationObject($0) }
                return try JSONBody.response(answer)
            },
        ]
    }
}
