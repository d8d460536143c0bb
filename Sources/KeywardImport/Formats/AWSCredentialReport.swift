import KeywardCore

/// `aws iam get-credential-report` (decoded): one CSV row per IAM user with 22 columns, two
/// access-key slots per user. Each slot that holds a key (active, or inactive with a rotation
/// date) becomes an inventory record; the root account's use and console passwords on machine
/// users become findings.
///
/// The report carries no access key ids. Records are keyed by user and creation second
/// (``AWSAccessKeyIdentity``), the same key `list-access-keys` produces, so the two files join
/// whichever is imported first.
struct AWSCredentialReport {
    static let columns = [
        "user", "arn", "user_creation_time", "password_enabled", "password_last_used", "password_last_changed",
        "password_next_rotation", "mfa_active",
        "access_key_1_active", "access_key_1_last_rotated", "access_key_1_last_used_date",
        "access_key_1_last_used_region", "access_key_1_last_used_service",
        "access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used_date",
        "access_key_2_last_used_region", "access_key_2_last_used_service",
        "cert_1_active", "cert_1_last_rotated", "cert_2_active", "cert_2_last_rotated",
    ]
    static let required = ["user", "arn", "password_enabled", "access_key_1_active", "access_key_1_last_rotated",
                           "access_key_2_active", "access_key_2_last_rotated"]
    static let rootUser = "<root_account>"
    static let rootAccessKeyRule = "aws-root-access-key"
    static let rootUsedRule = "aws-root-account-used"
    static let consolePasswordRule = "aws-machine-user-console-password"
    static let findingRules: Set<String> = [rootAccessKeyRule, rootUsedRule, consolePasswordRule]

    func run<Source: ByteSource>(_ source: inout Source, context: inout ImportContext) throws -> ImportResult {
        var accounts = Set<String>()
        var columns: AWSReportColumns?
        try CSVReader.read(
            &source, file: context.file,
            header: { header, line in
                try header.require(AWSCredentialReport.required, file: context.file, line: line)
                columns = AWSReportColumns(header)
            },
            row: { row in
                guard let columns else { return }
                do {
                    let user = try read(row, columns: columns, into: &context)
                    if let account = user.account { accounts.insert(account) }
                } catch let problem as RowProblem {
                    context.reject(line: row.line, field: problem.field, reason: problem.reason, identity: row["user"])
                }
            },
            mismatched: { record, expected in
                context.reject(line: record.line, field: nil,
                               reason: "has \(record.fields.count) fields, the header has \(expected)",
                               identity: record.fields.first)
            })
        let scope = DisappearanceScope(providers: [.aws], kinds: [.accessKey], accounts: accounts.isEmpty ? nil : accounts)
        return context.finish(scope: scope, findingRules: AWSCredentialReport.findingRules)
    }

    /// Reads one user row; every value is checked before anything is accepted, so a bad date in
    /// key 2 does not leave key 1 half-imported.
    private func read(_ row: CSVRow, columns: AWSReportColumns, into context: inout ImportContext) throws -> AWSUserRow {
        let user = try AWSUserRow(row, columns: columns)
        var records: [InventoryRecord] = []
        for slot in user.slots where slot.exists {
            // Two slots created in the same second are two keys (see AWSAccessKeyIdentity).
            let sameSecond = records.filter { $0.createdAt.map { $0.millisecondsSinceEpoch / 1000 } == slot.lastRotated.map { $0.millisecondsSinceEpoch / 1000 } }
            records.append(try slot.record(of: user, now: context.now, occurrence: sameSecond.count + 1))
        }
        for record in records { context.accept(record, line: row.line) }
        context.findings.append(contentsOf: user.findings(now: context.now, rootWindowDays: context.options.rootUsageWindowDays))
        return user
    }
}
