import KeywardCore

/// The natural key AWS access keys share across the credential report and `list-access-keys`:
/// IAM user and creation time to the second. Both files state that time (as
/// `access_key_N_last_rotated` and `CreateDate`; an AWS key's secret never changes, so its
/// "last rotated" is its creation), and neither states the other's key id or slot.
///
/// A user's two keys made within the same second (scripts, emulators) would share that key, so
/// the second distinct key of a user and second is `…:2`: in the report the later slot, in
/// `list-access-keys` the second key id listed. (Which of the two gets the report's last-use
/// figures is then a guess AWS gives no way to settle.)
enum AWSAccessKeyIdentity {
    static func naturalKey(user: String, createdAt: Timestamp, occurrence: Int = 1) -> String {
        let base = "aws:access_key:\(user):\(createdAt.millisecondsSinceEpoch / 1000)"
        return occurrence > 1 ? "\(base):\(occurrence)" : base
    }

    /// `arn:aws:iam::123456789012:user/ci` → `123456789012` (the fifth `:`-separated part).
    static func account(fromARN arn: String) -> String? {
        let bytes = arn.utf8
        guard bytes.starts(with: "arn:".utf8) else { return nil }
        var colons = 0
        var start = bytes.startIndex
        for index in bytes.indices where bytes[index] == UInt8(ascii: ":") {
            colons += 1
            if colons == 4 { start = bytes.index(after: index) }
            if colons == 5 {
                guard start < index else { return nil }
                return String(arn[start..<index])
            }
        }
        return nil
    }
}

/// One access-key slot (1 or 2) of a credential-report row.
struct AWSAccessKeySlot {
    var number: Int
    var active: Bool?
    var lastRotated: Timestamp?
    var lastUsed: Timestamp?
    var lastUsedRegion: String?
    var lastUsedService: String?

    /// A slot holds a key when it is active or has a rotation date (an inactive key).
    var exists: Bool { active == true || lastRotated != nil }

    /// The column names of slots 1 and 2, built once rather than per row.
    static let names: [(active: String, rotated: String, used: String, region: String, service: String)] = [1, 2].map { number in
        let prefix = "access_key_\(number)_"
        return (prefix + "active", prefix + "last_rotated", prefix + "last_used_date", prefix + "last_used_region", prefix + "last_used_service")
    }

    init(_ row: CSVRow, number: Int, columns: AWSReportColumns) throws(RowProblem) {
        let names = AWSAccessKeySlot.names[number - 1]
        let at = columns.slots[number - 1]
        self.number = number
        active = try FieldValue.bool(row[at.active], field: names.active)
        lastRotated = try FieldValue.time(row[at.rotated], field: names.rotated)
        lastUsed = try FieldValue.time(row[at.used], field: names.used)
        lastUsedRegion = FieldValue.text(row[at.region])
        lastUsedService = FieldValue.text(row[at.service])
        if active == true && lastRotated == nil {
            throw RowProblem(field: names.rotated, reason: "key \(number) is active but has no creation time")
        }
    }

    func record(of user: AWSUserRow, now: Timestamp, occurrence: Int = 1) throws(RowProblem) -> InventoryRecord {
        guard let created = lastRotated else {
            throw RowProblem(field: "access_key_\(number)_last_rotated", reason: "key \(number) has no creation time")
        }
        var attributes = ["key_slot": String(number), "arn": user.arn]
        if let enabled = user.passwordEnabled { attributes["password_enabled"] = enabled ? "true" : "false" }
        if let mfa = user.mfaActive { attributes["mfa_active"] = mfa ? "true" : "false" }
        return InventoryRecord(
            naturalKey: AWSAccessKeyIdentity.naturalKey(user: user.name, createdAt: created, occurrence: occurrence),
            provider: .aws, kind: .accessKey, identity: user.name, account: user.account,
            name: "\(user.name) access key \(number)", createdAt: created, lastRotatedAt: created,
            lastUsedAt: lastUsed, lastUsedService: lastUsedService, lastUsedRegion: lastUsedRegion,
            status: active == true ? .active : .disabled, attributes: attributes, firstSeenAt: now)
    }
}

/// One IAM user row of the credential report.
struct AWSUserRow {
    var name: String
    var arn: String
    var account: String?
    var passwordEnabled: Bool?
    var passwordLastUsed: Timestamp?
    var mfaActive: Bool?
    var slots: [AWSAccessKeySlot]

    init(_ row: CSVRow, columns: AWSReportColumns) throws(RowProblem) {
        guard let name = row[columns.user] else { throw RowProblem(field: "user", reason: "is empty") }
        guard let arn = row[columns.arn] else { throw RowProblem(field: "arn", reason: "is empty") }
        self.name = name
        self.arn = arn
        account = AWSAccessKeyIdentity.account(fromARN: arn)
        passwordEnabled = try FieldValue.bool(row[columns.passwordEnabled], field: "password_enabled")
        passwordLastUsed = try FieldValue.time(row[columns.passwordLastUsed], field: "password_last_used")
        mfaActive = try FieldValue.bool(row[columns.mfaActive], field: "mfa_active")
        slots = [try AWSAccessKeySlot(row, number: 1, columns: columns), try AWSAccessKeySlot(row, number: 2, columns: columns)]
    }

    var isRoot: Bool { name == AWSCredentialReport.rootUser }
    var hasActiveKey: Bool { slots.contains { $0.active == true } }

    private var subject: FindingSubject {
        FindingSubject(kind: .identity, id: arn, provider: .aws, identity: name)
    }

    /// Root with a live access key; root used recently; a console password on a user that also
    /// holds an active access key (a machine identity people log in as, OWASP NHI10).
    func findings(now: Timestamp, rootWindowDays: Int64) -> [Finding] {
        var findings: [Finding] = []
        let accountText = account.map { " of account \($0)" } ?? ""
        if isRoot {
            if hasActiveKey {
                findings.append(Finding(
                    rule: AWSCredentialReport.rootAccessKeyRule, severity: .critical, subject: subject,
                    message: "The root user\(accountText) has an active access key: anyone holding it controls the whole account.",
                    remediation: "Delete the root access key (IAM console → Security credentials) and use IAM roles or users with least privilege instead.",
                    frameworks: [.nhi(5), .csf("PR.AA-05"), .csf("PR.AA-01")], openedAt: now))
            }
            let windowStart = now.adding(seconds: -rootWindowDays * 86_400)
            let uses = ([passwordLastUsed] + slots.map(\.lastUsed)).compactMap { $0 }.filter { $0 >= windowStart }
            if let latest = uses.max() {
                findings.append(Finding(
                    rule: AWSCredentialReport.rootUsedRule, severity: .high, subject: subject,
                    message: "The root user\(accountText) was used on \(latest.iso8601), within the last \(rootWindowDays) days.",
                    remediation: "Stop using the root user for daily work: use IAM Identity Center or IAM roles, enable MFA on root and lock its credentials away.",
                    frameworks: [.nhi(10), .csf("PR.AA-05"), .csf("DE.CM-03")], openedAt: now))
            }
        } else if passwordEnabled == true && hasActiveKey {
            findings.append(Finding(
                rule: AWSCredentialReport.consolePasswordRule, severity: .medium, subject: subject,
                message: "IAM user \(name)\(accountText) holds an active access key and can also sign in to the console with a password: people may be using a machine identity by hand.",
                remediation: "Remove the console password (aws iam delete-login-profile --user-name \(name)) and give people their own identities; if this is a person's user, record an exception.",
                frameworks: [.nhi(10), .csf("PR.AA-01"), .csf("DE.CM-03")], openedAt: now))
        }
        return findings
    }
}

/// Where the credential report's columns are in this file, looked up once from the header so
/// that rows are read by position.
struct AWSReportColumns {
    let user, arn, passwordEnabled, passwordLastUsed, mfaActive: Int?
    let slots: [(active: Int?, rotated: Int?, used: Int?, region: Int?, service: Int?)]

    init(_ header: CSVHeader) {
        user = header.position(of: "user")
        arn = header.position(of: "arn")
        passwordEnabled = header.position(of: "password_enabled")
        passwordLastUsed = header.position(of: "password_last_used")
        mfaActive = header.position(of: "mfa_active")
        slots = AWSAccessKeySlot.names.map { names in
            (header.position(of: names.active), header.position(of: names.rotated), header.position(of: names.used),
             header.position(of: names.region), header.position(of: names.service))
        }
    }
}
