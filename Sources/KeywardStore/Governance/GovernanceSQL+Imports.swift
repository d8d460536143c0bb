import KeywardCore
import SQLKit

/// One import as the store keeps it: what was imported, by whom, and the counts. The store does
/// not know the importers' types, so the rejections arrive as the JSON array the API prints.
public struct ImportRunRow: Sendable, Equatable {
    public var id: String
    public var kind: String
    /// The file's name as the user gave it (never its content).
    public var file: String
    public var actor: String
    public var startedAt: Timestamp
    public var finishedAt: Timestamp
    public var created: Int
    public var updated: Int
    public var unchanged: Int
    public var disappeared: Int
    public var skipped: Int
    public var rejected: Int
    public var findings: Int
    /// JSON array of `{file, line, field, reason}`, at most ``GovernanceSQL/storedRejectionLimit`` entries.
    public var rejectionsJSON: String

    public init(id: String, kind: String, file: String, actor: String, startedAt: Timestamp, finishedAt: Timestamp, created: Int,
                updated: Int, unchanged: Int, disappeared: Int, skipped: Int, rejected: Int, findings: Int, rejectionsJSON: String) {
        self.id = id
        self.kind = kind
        self.file = file
        self.actor = actor
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.created = created
        self.updated = updated
        self.unchanged = unchanged
        self.disappeared = disappeared
        self.skipped = skipped
        self.rejected = rejected
        self.findings = findings
        self.rejectionsJSON = rejectionsJSON
    }
}

extension GovernanceSQL {
    /// Rejections kept per run: enough to fix a file, bounded so a wholly wrong file of a
    /// million rows does not store a million reasons.
    public static let storedRejectionLimit = 1000

    static let importColumns = """
        id, kind, file, actor, started_at, finished_at, created, updated, unchanged, disappeared, skipped, rejected, findings, rejections
        """

    public func insertImportRun(_ run: ImportRunRow) async throws {
        try await db.raw("""
            INSERT INTO import_runs (\(unsafeRaw: Self.importColumns)) VALUES (\(bind: run.id), \(bind: run.kind), \(bind: run.file), \
            \(bind: run.actor), \(bind: run.startedAt.millisecondsSinceEpoch), \(bind: run.finishedAt.millisecondsSinceEpoch), \
            \(bind: run.created), \(bind: run.updated), \(bind: run.unchanged), \(bind: run.disappeared), \(bind: run.skipped), \
            \(bind: run.rejected), \(bind: run.findings), \(bind: run.rejectionsJSON))
            """).run()
    }

    /// The latest runs, newest first.
    public func importRuns(limit: Int) async throws -> [ImportRunRow] {
        try await db.raw("SELECT \(unsafeRaw: Self.importColumns) FROM import_runs ORDER BY seq DESC LIMIT \(bind: limit)").all().map { row in
            ImportRunRow(
                id: try row.text("id"), kind: try row.text("kind"), file: try row.text("file"), actor: try row.text("actor"),
                startedAt: try row.timestamp("started_at"), finishedAt: try row.timestamp("finished_at"),
                created: Int(try row.integer("created")), updated: Int(try row.integer("updated")),
                unchanged: Int(try row.integer("unchanged")), disappeared: Int(try row.integer("disappeared")),
                skipped: Int(try row.integer("skipped")), rejected: Int(try row.integer("rejected")),
                findings: Int(try row.integer("findings")), rejectionsJSON: try row.text("rejections")
            )
        }
    }
}
