import KeywardCore

/// An import that cannot go on at all (unreadable file, missing required column, not JSON):
/// nothing of it is applied. Row-level problems are ``ImportRejection``s instead.
public struct ImportError: Error, Equatable, CustomStringConvertible {
    public var file: String
    /// 1-based line, when the problem has one.
    public var line: Int?
    public var field: String?
    public var message: String

    public init(file: String, line: Int?, field: String?, message: String) {
        self.file = file
        self.line = line
        self.field = field
        self.message = message
    }

    /// `report.csv:1: access_key_1_active: required column is missing`
    public var description: String { FileLocation.prefix(file: file, line: line, field: field) + message }
}

/// One row that was not imported, and why; the rest of the file still imports.
public struct ImportRejection: Sendable, Equatable, Codable, CustomStringConvertible {
    public var file: String
    public var line: Int
    /// The offending column or JSON member; nil when the row as a whole is wrong.
    public var field: String?
    public var reason: String

    public init(file: String, line: Int, field: String?, reason: String) {
        self.file = file
        self.line = line
        self.field = field
        self.reason = reason
    }

    public var description: String { FileLocation.prefix(file: file, line: line, field: field) + reason }
}
