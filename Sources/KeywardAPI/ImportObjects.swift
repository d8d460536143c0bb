import KeywardCore

/// One row an import did not take, and why: `file:line: field: reason`.
public struct ImportRejectionObject: Codable, Sendable, Equatable {
    public var file: String
    public var line: Int
    @ExplicitNull public var field: String?
    public var reason: String

    public init(file: String, line: Int, field: String?, reason: String) {
        self.file = file
        self.line = line
        self.field = field
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey { case file, line, field, reason }

    /// `report.csv:88: access_key_1_last_rotated: "01/02/2026" is not an ISO 8601 date-time`
    public var description: String {
        "\(file):\(line): " + (field.map { "\($0): " } ?? "") + reason
    }
}

/// The answer of `POST /v1/inventory/import/{kind}` and the output of `keyward import --json`:
/// the counts, and the rejections (at most ``ImportRunObject/rejectionLimit`` of them; the
/// rest are counted in `rejections_omitted`, the total in `rejected`).
public struct ImportRunObject: Codable, Sendable, Equatable {
    public static let rejectionLimit = 10_000

    public var id: String
    public var kind: String
    public var file: String
    public var created: Int
    public var updated: Int
    public var unchanged: Int
    public var disappeared: Int
    public var skipped: Int
    public var rejected: Int
    public var findings: Int
    public var rejections: [ImportRejectionObject]
    public var rejectionsOmitted: Int
    public var startedAt: Timestamp?
    public var finishedAt: Timestamp?

    public init(id: String, kind: String, file: String, created: Int, updated: Int, unchanged: Int, disappeared: Int, skipped: Int,
                rejected: Int, findings: Int, rejections: [ImportRejectionObject], startedAt: Timestamp? = nil, finishedAt: Timestamp? = nil) {
        self.id = id
        self.kind = kind
        self.file = file
        self.created = created
        self.updated = updated
        self.unchanged = unchanged
        self.disappeared = disappeared
        self.skipped = skipped
        self.rejected = rejected
        self.findings = findings
        self.rejections = Array(rejections.prefix(Self.rejectionLimit))
        self.rejectionsOmitted = max(0, rejected - self.rejections.count)
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, kind, file, created, updated, unchanged, disappeared, skipped, rejected, findings, rejections
        case rejectionsOmitted = "rejections_omitted", startedAt = "started_at", finishedAt = "finished_at"
    }
}

public struct ImportRunListObject: Codable, Sendable {
    public var imports: [ImportRunObject]

    public init(imports: [ImportRunObject]) { self.imports = imports }
}
