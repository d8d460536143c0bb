/// The fixed answers of `POST /v1/verify`. An invalid key is an answer, not an error.
public enum VerificationCode: String, Sendable, Codable, CaseIterable {
    case valid = "VALID"
    case malformed = "MALFORMED"
    case notFound = "NOT_FOUND"
    case expired = "EXPIRED"
    case revoked = "REVOKED"
    case disabled = "DISABLED"
    case insufficientScope = "INSUFFICIENT_SCOPE"
    case rateLimited = "RATE_LIMITED"
    case ipNotAllowed = "IP_NOT_ALLOWED"

    public var isValid: Bool { self == .valid }
}
