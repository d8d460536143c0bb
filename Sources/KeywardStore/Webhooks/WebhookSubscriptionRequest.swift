import Foundation
import KeywardCore

/// A validated request to create a subscription: every field bounded, the URL http(s) with a
/// host and no credentials in it, event types known.
public struct WebhookSubscriptionRequest: Sendable {
    public static let maximumURLLength = 2048
    public static let maximumTextLength = 256
    /// Subscriptions per deployment: each costs a row per matching event.
    public static let maximumSubscriptions = 100

    public var url: String
    public var events: [WebhookEventType]
    public var owner: String?
    public var description: String?

    public init(url: String, events: [String], owner: String?, description: String?) throws {
        self.url = try Self.validate(url: url)
        self.events = try WebhookEventType.parse(events)
        if let owner {
            try RecordLimits.checkText(owner, field: "owner", maximum: Self.maximumTextLength)
        }
        if let description, description.count > Self.maximumTextLength || description.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw KeywardError.invalidArgument("description must be at most \(Self.maximumTextLength) characters without control characters")
        }
        self.owner = owner
        self.description = description
    }

    static func validate(url text: String) throws -> String {
        guard !text.isEmpty, text.utf8.count <= maximumURLLength else {
            throw KeywardError.invalidArgument("url must be 1-\(maximumURLLength) bytes")
        }
        guard text.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value < 0x7F }),
              let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty else {
            throw KeywardError.invalidArgument("url must be an absolute http or https URL such as https://hooks.example.com/keyward")
        }
        guard components.user == nil, components.password == nil else {
            throw KeywardError.invalidArgument("url must not carry a user name or password; authenticate the sender by its signature")
        }
        guard components.fragment == nil else { throw KeywardError.invalidArgument("url must not have a #fragment") }
        if let port = components.port, !(1...65535).contains(port) { throw KeywardError.invalidArgument("url port must be 1-65535") }
        return text
    }

    /// `scheme://host[:port]`: what audit events and logs show of a URL, whose path or query may
    /// itself be a credential (as in many chat-service webhook URLs).
    public static func origin(of url: String) -> String {
        guard let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host else { return "?" }
        return "\(scheme)://\(host)" + (components.port.map { ":\($0)" } ?? "")
    }
}
