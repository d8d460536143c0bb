/// One place keyward's scanner found a leaked key: where, and by which rule — never the key.
///
/// A scan that finds a key sends these with the key's hash (`keyward scan --revoke`, through a
/// server or straight into the database), and the leak response records them in the audit log
/// as `found_at` (``LeakSighting/foundAt``).
public struct LeakLocation: Sendable, Equatable, Codable {
    /// The path as scanned (forward slashes), `-` for standard input.
    public var file: String
    /// 1-based line and column of the key's first character.
    public var line: Int
    public var column: Int
    /// The commit that introduced the key, for findings in git history.
    public var commit: String?
    /// The scanner rule that found it (`keyward-api-key`).
    public var ruleID: String
    /// The finding's fingerprint: stable across scans, and derived from the key's hash, not the key.
    public var fingerprint: String

    public init(file: String, line: Int, column: Int, commit: String?, ruleID: String, fingerprint: String) {
        self.file = file
        self.line = line
        self.column = column
        self.commit = commit
        self.ruleID = ruleID
        self.fingerprint = fingerprint
    }

    enum CodingKeys: String, CodingKey {
        case file, line, column, commit, ruleID = "rule_id", fingerprint
    }

    /// `file:line` and the commit's first twelve digits: how people and `also_found_at` name it.
    public var place: String {
        "\(file):\(line)" + (commit.map { "@\($0.prefix(12))" } ?? "")
    }
}
