/// Why a connector could not do what it was asked. Messages are shown to operators and stored
/// in sync results: they name requests and provider error codes, never a credential.
public enum ConnectorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The declaration or its credentials are unusable (missing variable, unreadable file,
    /// missing `account`); nothing was sent.
    case configuration(String)
    /// Requests failed for good; each entry names one (`ListAccessKeys UserName=alice: HTTP 403
    /// AccessDenied …`). A sync with failures writes nothing.
    case failed([String])
    /// The provider's answer could not be read (unexpected XML/JSON).
    case malformedResponse(String)
    /// This kind of connector cannot do that (Anthropic cannot create keys).
    case unsupported(String)

    public var description: String {
        switch self {
        case .configuration(let message): return "connector configuration: \(message)"
        case .failed(let failures):
            let shown = failures.prefix(10).joined(separator: "; ")
            return failures.count > 10 ? "\(failures.count) requests failed: \(shown); …" : "request failed: \(shown)"
        case .malformedResponse(let message): return "unexpected provider response: \(message)"
        case .unsupported(let message): return message
        }
    }

    /// The failed requests, or the one message for other errors.
    public var failures: [String] {
        if case .failed(let failures) = self { return failures }
        return [description]
    }
}
