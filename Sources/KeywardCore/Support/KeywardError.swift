/// Errors the domain reports to its callers. Each case carries a message written for the person
/// who sent the request; the HTTP layer maps cases to status codes.
public enum KeywardError: Error, Equatable, CustomStringConvertible {
    /// The request is malformed or a value is out of bounds (HTTP 400 / 422).
    case invalidArgument(String)
    /// No such record (HTTP 404).
    case notFound(String)
    /// The request conflicts with the record's current state (HTTP 409).
    case conflict(String)
    /// The caller may not do this (HTTP 403).
    case forbidden(String)

    public var description: String {
        switch self {
        case .invalidArgument(let message), .notFound(let message), .conflict(let message), .forbidden(let message):
            return message
        }
    }
}
