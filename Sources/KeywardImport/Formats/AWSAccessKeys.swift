import KeywardCore

/// `aws iam list-access-keys` JSON: `{"AccessKeyMetadata":[{UserName, AccessKeyId, Status,
/// CreateDate}]}`, once or for many users (several documents, or an array of them). Records carry
/// the access key id, so a scanner's `AKIA…` match links to the owner; keyed by user and
/// creation second, they join the credential report's records.
struct AWSAccessKeys {
    func run(_ bytes: [UInt8], context: inout ImportContext) throws -> ImportResult {
        let elements = try JSONRecords.elements(of: bytes, member: "AccessKeyMetadata", file: context.file)
        var users = Set<String>()
        // Distinct key ids per user and creation second, in the order listed (see AWSAccessKeyIdentity).
        var idsBySecond: [String: [String]] = [:]
        JSONRecords.each(elements, identity: { try? $0.string("UserName") }, context: &context) { element, context throws(RowProblem) in
            let user = try element.requiredString("UserName")
            let keyID = try element.requiredString("AccessKeyId")
            guard AWSAccessKeys.isAccessKeyID(keyID) else {
                throw RowProblem(field: "AccessKeyId", reason: "\"\(keyID.prefix(40))\" is not an AWS access key id (AKIA… or ASIA…, 16-128 upper-case letters and digits)")
            }
            guard let created = try element.time("CreateDate") else { throw RowProblem(field: "CreateDate", reason: "is missing") }
            let status: InventoryStatus
            switch try element.string("Status") {
            case "Active"?: status = .active
            case "Inactive"?: status = .disabled
            case let other: throw RowProblem(field: "Status", reason: "expected Active or Inactive, got \(other.map { "\"\($0.prefix(20))\"" } ?? "nothing")")
            }
            users.insert(user)
            let second = "\(user):\(created.millisecondsSinceEpoch / 1000)"
            var ids = idsBySecond[second, default: []]
            if !ids.contains(keyID) { ids.append(keyID) }
            idsBySecond[second] = ids
            let occurrence = ids.firstIndex(of: keyID)! + 1
            context.accept(InventoryRecord(
                naturalKey: AWSAccessKeyIdentity.naturalKey(user: user, createdAt: created, occurrence: occurrence), provider: .aws, kind: .accessKey,
                externalID: keyID, identity: user, name: "\(user) access key \(keyID.suffix(4))",
                createdAt: created, lastRotatedAt: created, status: status, firstSeenAt: context.now), line: element.line)
        }
        let scope = DisappearanceScope(providers: [.aws], kinds: [.accessKey], identities: users)
        return context.finish(scope: scope, findingRules: [])
    }

    /// `AKIA`/`ASIA`-style ids: upper-case letters and digits, 16 to 128 characters.
    static func isAccessKeyID(_ text: String) -> Bool {
        let bytes = text.utf8
        return (16...128).contains(bytes.count) && bytes.allSatisfy { (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) }
    }
}
