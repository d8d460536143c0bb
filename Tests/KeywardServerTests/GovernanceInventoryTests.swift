import Foundation
import Hummingbird
import HummingbirdTesting
import KeywardAPI
import KeywardCore
import KeywardServer
import KeywardSettings
import Testing

@Suite("Governance routes: inventory and imports")
struct GovernanceInventoryTests {
    @Test("an import far above the 64 KiB body limit streams in, reports its rejection, and is idempotent")
    func importLargeFile() async throws {
        try await ServerFixture.withRouter { fixture, client in
            let file = GovernanceFiles.credentialReport(users: 2000, badRow: true)
            #expect(file.count > 4 * KeywardConfiguration.defaultMaxBodyBytes)
            let path = "/v1/inventory/import/aws-credential-report?file=report.csv"
            let first = try await client.call(.post, path, token: fixture.admin, bytes: file)
            #expect(first.status == .ok, "\(first.text.prefix(300))")
            let run = try first.decode(ImportRunObject.self)
            #expect(run.created == 2000 && run.rejected == 1 && run.kind == "aws-credential-report" && run.file == "report.csv")
            #expect(run.rejections == [ImportRejectionObject(file: "report.csv", line: 2002, field: "access_key_1_last_rotated",
                                                             reason: run.rejections.first?.reason ?? "")])
            let again = try await client.call(.post, path, token: fixture.admin, bytes: file).decode(ImportRunObject.self)
            #expect(again.created == 0 && again.unchanged == 2000)

            let runs = try await client.call(.get, "/v1/inventory/imports", token: fixture.admin).decode(ImportRunListObject.self)
            #expect(runs.imports.map(\.id) == [again.id, run.id])
            let audit = try await client.call(.get, "/v1/audit?subject_id=\(run.id)", token: fixture.admin)
            #expect(audit.text.contains("inventory.imported"))
            #expect(!audit.text.contains("arn:aws"))
        }
    }

    @Test("bad uploads: unknown kind 404, unreadable file 400 naming file, line and field, empty body 400, over the limit 413, read scope 403")
    func badUploads() async throws {
        try await ServerFixture.withRouter(configure: { $0.maxImportBytes = 1 << 20 }) { fixture, client in
            let unknown = try await client.call(.post, "/v1/inventory/import/aws-iam?file=x", token: fixture.admin, bytes: [1])
            #expect(unknown.status == .notFound)
            #expect(unknown.errorMessage.contains("aws-credential-report"))

            let missingColumn = Array("user,arn\nbob,arn:aws:iam::1:user/bob\n".utf8)
            let broken = try await client.call(.post, "/v1/inventory/import/aws-credential-report?file=short.csv", token: fixture.admin, bytes: missingColumn)
            #expect(broken.status == .badRequest)
            #expect(broken.errorCode == "invalid_file")
            #expect(broken.errorMessage.hasPrefix("short.csv:1: "))
            #expect(broken.errorMessage.contains("password_enabled"))

            let notJSON = try await client.call(.post, "/v1/inventory/import/gcp-keys?file=keys.json", token: fixture.admin, bytes: Array("[{".utf8))
            #expect(notJSON.status == .badRequest && notJSON.errorMessage.hasPrefix("keys.json:"))

            let empty = try await client.call(.post, "/v1/inventory/import/csv?file=e.csv", token: fixture.admin, bytes: [])
            #expect(empty.status == .badRequest)

            let huge = [UInt8](repeating: UInt8(ascii: "a"), count: (1 << 20) + 10)
            let tooLarge = try await client.call(.post, "/v1/inventory/import/csv?file=big.csv", token: fixture.admin, bytes: huge)
            #expect(tooLarge.status == .contentTooLarge)

            let reader = try await client.credential(fixture.admin, owner: "auditors", scopes: ["keyward:read"])
            let forbidden = try await client.call(.post, "/v1/inventory/import/csv?file=x.csv", token: reader, bytes: Array("provider\n".utf8))
            #expect(forbidden.status == .forbidden)
            let inventory = try await client.call(.get, "/v1/inventory", token: reader).decode(InventoryListObject.self)
            #expect(inventory.items.allSatisfy { $0.provider == .keyward })
        }
    }

    @Test("the inventory lists keyward keys and imported records in one view, filtered and paged")
    func inventoryView() async throws {
        try await ServerFixture.withRouter { fixture, client in
            _ = try await client.issue(fixture.admin, #"{"name":"billing","owner":"Team-Pay","environment":"test"}"#)
            let file = GovernanceFiles.credentialReport(users: 5)
            _ = try await client.call(.post, "/v1/inventory/import/aws-credential-report?file=r.csv", token: fixture.admin, bytes: file)
            let all = try await client.call(.get, "/v1/inventory?limit=100", token: fixture.admin)
            let list = try all.decode(InventoryListObject.self)
            #expect(list.items.count == 7)  // bootstrap admin key, billing, five AWS keys
            #expect(list.items.filter { $0.source == "keyward" }.count == 2)
            let first = try #require((all.json["items"] as? [[String: Any]])?.last)
            for field in ["id", "provider", "kind", "external_id", "identity", "owner", "environments", "scopes", "status", "created_at",
                          "last_rotated_at", "last_used_at", "last_used_service", "last_used_region", "expires_at", "sources"] {
                #expect(first.keys.contains(field), "inventory entries carry \(field)")
            }
            let aws = try await client.call(.get, "/v1/inventory?provider=aws&status=active", token: fixture.admin).decode(InventoryListObject.self)
            #expect(aws.items.count == 5 && aws.items.allSatisfy { $0.lastUsedService == "sts" })
            let owned = try await client.call(.get, "/v1/inventory?owner=team-pay", token: fixture.admin).decode(InventoryListObject.self)
            #expect(owned.items.map(\.name) == ["billing"])
            var cursor: String?
            var seen: [String] = []
            repeat {
                let page = try await client.call(.get, "/v1/inventory?limit=3" + (cursor.map { "&cursor=\($0)" } ?? ""), token: fixture.admin)
                    .decode(InventoryListObject.self)
                seen += page.items.map(\.id)
                cursor = page.nextCursor
            } while cursor != nil
            #expect(seen == list.items.map(\.id))
            #expect(try await client.call(.get, "/v1/inventory?status=gone", token: fixture.admin).status == .badRequest)
            #expect(try await client.call(.get, "/v1/inventory?cursor=nope", token: fixture.admin).status == .badRequest)
        }
    }
}
