import KeywardCore

/// `gcloud iam service-accounts keys list --format=json`: an array of ServiceAccountKey objects
/// (`name`, `keyAlgorithm`, `keyOrigin`, `keyType`, `validAfterTime`, `validBeforeTime`,
/// `disabled`, `disableReason`). The key id (last part of `name`) is the external id: it is the
/// `private_key_id` in the key file, which is what a scanner finds.
struct GCPServiceAccountKeys {
    /// GCP writes "never expires" as the end of year 9999.
    static let noExpiryAfter = Timestamp(iso8601: "9999-01-01T00:00:00Z")!

    func run(_ bytes: [UInt8], context: inout ImportContext) throws -> ImportResult {
        let elements = try JSONRecords.elements(of: bytes, member: nil, file: context.file)
        var accounts = Set<String>()
        JSONRecords.each(elements, identity: { (try? $0.string("name")).flatMap(GCPKeyName.init)?.serviceAccount }, context: &context) { element, context throws(RowProblem) in
            let resource = try element.requiredString("name")
            guard let name = GCPKeyName(resource) else {
                throw RowProblem(field: "name", reason: "expected projects/PROJECT/serviceAccounts/ACCOUNT/keys/KEY_ID, got \"\(resource.prefix(80))\"")
            }
            accounts.insert(name.serviceAccount)
            let keyType = try element.string("keyType")
            if keyType == "SYSTEM_MANAGED" {
                context.skipped += 1  // Google holds and rotates these; no person manages them
                return
            }
            let created = try element.time("validAfterTime")
            let validBefore = try element.time("validBeforeTime")
            let disabled = try element.bool("disabled") ?? false
            var attributes = ["resource_name": resource]
            for member in ["keyAlgorithm", "keyOrigin", "keyType", "disableReason", "extendedStatus"] {
                if let value = try element.string(member) { attributes[GCPServiceAccountKeys.snake(member)] = value }
            }
            if let reason = attributes["disable_reason"], reason.contains("EXPOSED") || reason.contains("COMPROMISE") {
                attributes["exposed"] = "true"
            }
            context.accept(InventoryRecord(
                naturalKey: "gcp:service_account_key:\(resource)", provider: .gcp, kind: .serviceAccountKey,
                externalID: name.keyID, identity: name.serviceAccount, account: name.project,
                name: "\(name.serviceAccount) key \(name.keyID.prefix(8))", createdAt: created, lastRotatedAt: created,
                expiresAt: validBefore.flatMap { $0 >= GCPServiceAccountKeys.noExpiryAfter ? nil : $0 },
                status: disabled ? .disabled : .active, attributes: attributes, firstSeenAt: context.now), line: element.line)
        }
        let scope = DisappearanceScope(providers: [.gcp], kinds: [.serviceAccountKey], identities: accounts)
        return context.finish(scope: scope, findingRules: [])
    }

    /// `keyAlgorithm` → `key_algorithm`.
    static func snake(_ name: String) -> String {
        var out = ""
        for character in name {
            if character.isUppercase { out += "_" + character.lowercased() } else { out.append(character) }
        }
        return out
    }
}

/// The parts of `projects/{P}/serviceAccounts/{SA}/keys/{KEY_ID}`.
struct GCPKeyName {
    var project: String
    var serviceAccount: String
    var keyID: String

    init?(_ resource: String) {
        let parts = resource.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "projects", parts[2] == "serviceAccounts", parts[4] == "keys",
              !parts[1].isEmpty, !parts[3].isEmpty, !parts[5].isEmpty else { return nil }
        project = String(parts[1])
        serviceAccount = String(parts[3])
        keyID = String(parts[5])
    }
}
