/// What `keyward import … --json` and `POST /v1/inventory/import/{kind}` answer: the counts and
/// every rejection, without the records themselves.
public struct ImportSummary: Sendable, Equatable, Codable {
    public var kind: ImportKind
    public var file: String
    public var created: Int
    public var updated: Int
    public var unchanged: Int
    public var disappeared: Int
    public var skipped: Int
    public var rejected: Int
    public var findings: Int
    public var rejections: [ImportRejection]
}

extension ImportResult {
    public var summary: ImportSummary {
        ImportSummary(kind: kind, file: file, created: created, updated: updated, unchanged: unchanged, disappeared: disappeared,
                      skipped: skipped, rejected: rejected, findings: findings.count, rejections: rejections)
    }
}
