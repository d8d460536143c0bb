/// A rules file or a rule in it that cannot be used; the message names the rule and the reason.
public enum RuleError: Error, Equatable, CustomStringConvertible {
    case invalid(String)
    case unreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalid(let message): message
        case .unreadable(let path, let reason): "cannot read rules file \(path): \(reason)"
        }
    }
}
