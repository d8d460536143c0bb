import KeywardCore

/// A policy file that cannot be used, with where and why. Loading is all or nothing: a policy
/// with one bad rule is rejected whole, because silently running the others would pass keys the
/// author meant to fail.
public struct PolicyError: Error, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var column: Int?
    /// The path of the offending setting, such as `rules[2].threshold`.
    public var field: String?
    public var message: String

    public init(file: String, line: Int?, column: Int?, field: String?, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        self.message = message
    }

    /// `policy.yaml:12:16: rules[2].threshold: bad duration "9O d" …`
    public var description: String { FileLocation.prefix(file: file, line: line, column: column, field: field) + message }
}
