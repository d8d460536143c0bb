import KeywardCore

/// `gcloud iam service-accounts keys list --format=json` (or the REST API's
/// `serviceAccounts.keys.list` answer, `{"keys": […]}`): an array of ServiceAccountKey objects (`name`, `keyAlgorithm`,
/// `keyOrigin`, `keyType`, `validAfterTime`, `validBeforeTime`, `disabled`, `disableReason`,
/// `extendedStatus`). The key id (last part of `name`) is the external id: it is the
/// `private_key_id` in the key file, which is what a scanner finds.
///
/// Google marks a key it found published or abused in `disableReason`
/// (`SERVICE_ACCOUNT_KEY_DISABLE_REASON_EXPOSED`, `…_COMPROMISE_DETECTED`) and, for the key's
/// whole life, in `extendedStatus`: a list of `{key, value}` objects
/// (`SERVICE_ACCOUNT_KEY_EXTENDED_STATUS_KEY_EXPOSED`, the value saying where). Such a key is the
/// one that matters most, so it raises a critical `gcp-key-exposed` finding of the import's own.
///
/// Members keyward only records (algorithm, origin, reasons) are kept when they are text and
/// ignored in any other shape, like members it does not know: a field Google adds or reshapes
/// must not keep a key out of the inventory.
struct GCPServiceAccountKeys {
    /// GCP writes "never expires" as the end of year 9999.
    static let noExpiryAfter = Timestamp(iso8601: "9999-01-01T00:00:00Z")!
    static let exposedRule = "gcp-key-exposed"
    static let findingRules: Set<String> = [exposedRule]
    /// NHI2 Secret Leakage; CSF 2.0 DE.CM-09 (the exposure was detected) and RS.MI-01 (contain
    /// it: delete the key). The same mapping as a leaked keyward key.
    static let exposedFrameworks: [FrameworkReference] = [.nhi(2), .csf("DE.CM-09"), .csf("RS.MI-01")]

    func run(_ bytes: [UInt8], context: inout ImportContext) throws -> ImportResult {
        let documents = try JSONRecords.documents(of: bytes, file: context.file)
        let elements = try JSONRecords.elements(in: documents, member: "keys", file: context.file)
        // A `{"project": P, "keys": […]}` listing (what the gcp-iam connector writes) holds every
        // user-managed key of every service account of P: it speaks for the whole project, so
        // the keys of a deleted service account, or the last key of one, disappear too.
        let projects = Set(documents.compactMap { $0.object != nil && $0["keys"]?.array != nil ? $0.descriptive("project") : nil })
        var accounts = Set<String>()
        JSONRecords.each(elements, identity: { (try? $0.string("name")).flatMap(GCPKeyName.init)?.serviceAccount }, context: &context) { element, context throws(RowProblem) in
            let resource = try element.requiredString("name")
            guard let name = GCPKeyName(resource) else {
                throw RowProblem(field: "name", reason: "expected projects/PROJECT/serviceAccounts/ACCOUNT/keys/KEY_ID, got \"\(resource.prefix(80))\"")
            }
            accounts.insert(name.serviceAccount)
            if element.descriptive("keyType") == "SYSTEM_MANAGED" {
                context.skipped += 1  // Google holds and rotates these; no person manages them
                return
            }
            let created = try element.time("validAfterTime")
            let validBefore = try element.time("validBeforeTime")
            let disabled = try element.bool("disabled") ?? false
            var attributes = ["resource_name": resource]
            for member in ["keyAlgorithm", "keyOrigin", "keyType", "disableReason"] {
                if let value = element.descriptive(member) { attributes[GCPServiceAccountKeys.snake(member)] = value }
            }
            let statuses = GCPServiceAccountKeys.extendedStatus(of: element)
            if !statuses.isEmpty { attributes["extended_status"] = statuses.map(\.key).joined(separator: ",") }
            let exposure = GCPServiceAccountKeys.exposure(disableReason: attributes["disable_reason"], statuses: statuses)
            if exposure != nil { attributes["exposed"] = "true" }
            let expiresAt = validBefore.flatMap { $0 >= GCPServiceAccountKeys.noExpiryAfter ? nil : $0 }
            let stored = context.accept(InventoryRecord(
                naturalKey: "gcp:service_account_key:\(resource)", provider: .gcp, kind: .serviceAccountKey,
                externalID: name.keyID, identity: name.serviceAccount, account: name.project,
                name: "\(name.serviceAccount) key \(name.keyID.prefix(8))", createdAt: created, lastRotatedAt: created,
                expiresAt: expiresAt, status: disabled ? .disabled : .active, attributes: attributes, firstSeenAt: context.now), line: element.line)
            // An expired key can no longer authenticate; one that is merely disabled can be enabled again.
            if let stored, let exposure, expiresAt.map({ $0 > context.now }) ?? true {
                context.findings.append(GCPServiceAccountKeys.exposedFinding(stored, name: name, exposure: exposure, disabled: disabled, now: context.now))
            }
        }
        var scope = DisappearanceScope(providers: [.gcp], kinds: [.serviceAccountKey], identities: accounts)
        if !projects.isEmpty {
            // Naming the identities too keeps the exposure findings of other projects' accounts
            // out of this import's reach (findings are scoped by identity).
            let wide = DisappearanceScope(providers: [.gcp], kinds: [.serviceAccountKey], accounts: projects)
            scope = DisappearanceScope(providers: [.gcp], kinds: [.serviceAccountKey],
                                       identities: accounts.union(context.merger.identities(in: wide)), accounts: projects)
        }
        return context.finish(scope: scope, findingRules: GCPServiceAccountKeys.findingRules)
    }

    /// `extendedStatus` as the API returns it, `[{"key": …, "value": …}]`, or as one string (what
    /// this importer documented first, and how some tools flatten it). Entries of another shape
    /// are skipped.
    static func extendedStatus(of element: LocatedJSON) -> [(key: String, value: String?)] {
        guard let node = element["extendedStatus"] else { return [] }
        if let text = element.descriptive("extendedStatus") { return [(text, nil)] }
        return (node.array ?? []).compactMap { entry in
            entry.descriptive("key").map { ($0, entry.descriptive("value")) }
        }
    }

    /// What Google said about an exposure, or nil when it reported none: the extended status
    /// (which outlives the key being enabled again) or the disable reason.
    static func exposure(disableReason: String?, statuses: [(key: String, value: String?)]) -> String? {
        func reportsExposure(_ text: String) -> Bool { text.contains("EXPOSED") || text.contains("COMPROMISE") }
        if let status = statuses.first(where: { reportsExposure($0.key) }) {
            return status.value.map { "\(status.key): \($0.prefix(300))" } ?? status.key
        }
        return disableReason.flatMap { reportsExposure($0) ? $0 : nil }
    }

    static func exposedFinding(_ record: InventoryRecord, name: GCPKeyName, exposure: String, disabled: Bool, now: Timestamp) -> Finding {
        Finding(
            rule: exposedRule, severity: .critical,
            subject: FindingSubject(kind: .externalKey, id: record.id, provider: .gcp, externalID: name.keyID, owner: record.owner,
                                    identity: name.serviceAccount),
            message: "Google reports GCP service-account key \(name.keyID) of \(name.serviceAccount) (project \(name.project)) as exposed "
                + "(\(exposure)); the key is \(disabled ? "disabled, and can be enabled again" : "still enabled").",
            remediation: "Delete the key (gcloud iam service-accounts keys delete \(name.keyID) --iam-account \(name.serviceAccount)), "
                + "give its users a replacement if they still need one, remove it from where it was published, and review the "
                + "Cloud Audit Logs for calls made with it; prefer workload identity federation to keys.",
            frameworks: exposedFrameworks, openedAt: now)
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
