/// What `keyward import … --json` and `POST /v1/inventory/import/{kind}` answer: the counts and
/// every rejection, without the records themselves.
public struct ImportSummary: Sendable, Equatable, Codable {
    public var kind: ImportKind
    public var file: String
    public var created: Int
    public var updated: Int
    public var unchanged: Int
    /// Existing records in the import's scope that the file no longer lists.
    public var disappeared: Int
    /// Entries deliberately not imported (GCP system-managed keys), not errors.
    public var skipped: Int
    public var rejections: [ImportRejection]
    /// How many findings the import raised itself.
    public var findingCount: Int

    public var rejected: Int { rejections.count }

    enum CodingKeys: String, CodingKey {
        case kind, file, created, updated, unchanged, disappeared, skipped, rejected, rejections, findingCount = "findings"
    }

    public init(kind: ImportKind, file: String, created: Int, updated: Int, unchanged: Int, disappeared: Int, skipped: Int,
                rejections: [ImportRejection], findingCount: Int) {
        self.kind = kind
        self.file = file
        self.created = created
        self.updated = updated
        self.unchanged = unchanged
        self.disappeared = disappeared
        self.skipped = skipped
        self.rejections = rejections
        self.findingCount = findingCount
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(kind: try container.decode(ImportKind.self, forKey: .kind), file: try container.decode(String.self, forKey: .file),
                  created: try container.decode(Int.self, forKey: .created), updated: try container.decode(Int.self, forKey: .updated),
                  unchanged: try container.decode(Int.self, forKey: .unchanged),
                  disappeared: try container.decode(Int.self, forKey: .disappeared), skipped: try container.decode(Int.self, forKey: .skipped),
                  rejections: try container.decode([ImportRejection].self, forKey: .rejections),
                  findingCount: try container.decode(Int.self, forKey: .findingCount))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        try container.encode(file, forKey: .file)
        try container.encode(created, forKey: .created)
        try container.encode(updated, forKey: .updated)
        try container.encode(unchanged, forKey: .unchanged)
        try container.encode(disappeared, forKey: .disappeared)
        try container.encode(skipped, forKey: .skipped)
        try container.encode(rejected, forKey: .rejected)
        try container.encode(rejections, forKey: .rejections)
        try container.encode(findingCount, forKey: .findingCount)
    }
}
