/// Text someone gave where an identifier belongs, as a message may show it back.
///
/// People paste a plaintext key where its id belongs (`keyward keys show kw_live_…`). Error
/// messages travel far — terminals, tickets, chat, proxies' and browsers' logs — so one that
/// repeats what it was given would spread the key. The rule, applied wherever an id or handle
/// given by a caller is refused or not found (API, dashboard, CLI, offline commands):
///
/// - text that passes the key-format check (`KeyFormat.shape(of:)`, for any prefix) is never
///   repeated: the message is "that looks like a key, not a key id";
/// - text longer than any identifier of its kind is not repeated either (a key with a typo in its
///   checksum is still mostly a key);
/// - anything else is quoted, so a typo stays visible.
public struct GivenIdentifier: Sendable {
    /// What belongs there, for messages: "key id", "owner handle".
    public let kind: String
    /// The noun a message uses for it: "id", "handle".
    public let noun: String
    /// The longest text repeated back.
    public let echoLimit: Int

    public init(kind: String, noun: String = "id", echoLimit: Int = GivenIdentifier.identifierEchoLimit) {
        self.kind = kind
        self.noun = noun
        self.echoLimit = echoLimit
    }

    /// keyward's ids are at most 28 characters (`fnd_` and 24); the shortest key has 40.
    public static let identifierEchoLimit = 32

    public static let keyID = GivenIdentifier(kind: "key id")
    public static let findingID = GivenIdentifier(kind: "finding id")
    public static let reviewID = GivenIdentifier(kind: "review campaign id")
    public static let webhookID = GivenIdentifier(kind: "webhook subscription id")
    public static let deliveryID = GivenIdentifier(kind: "delivery id")
    /// Owner handles are often e-mail addresses: repeated up to 128 characters.
    public static let ownerHandle = GivenIdentifier(kind: "owner handle", noun: "handle", echoLimit: 128)
    /// A review subject: a key id, an inventory id or a provider's id (AWS access key ids, GCP
    /// key ids of 40 hex digits).
    public static let subject = GivenIdentifier(kind: "credential id", echoLimit: 80)
    public static let importKind = GivenIdentifier(kind: "import kind", noun: "kind")
    /// A connector's name (at most 64 characters).
    public static let connectorName = GivenIdentifier(kind: "connector name", noun: "name")
    /// An inventory record's id (`inv_` + 24 hex digits).
    public static let recordID = GivenIdentifier(kind: "inventory record id")

    /// True when `text` is a well-formed key of any deployment.
    public static func looksLikeKey(_ text: some StringProtocol) -> Bool {
        KeyFormat.shape(of: String(text)) != nil
    }

    /// The refusal for a key given where this kind of identifier belongs; nil for anything else.
    public func keyRefusal(_ text: some StringProtocol) -> String? {
        Self.looksLikeKey(text) ? "that looks like a key, not a \(kind)" : nil
    }

    /// A message about `text`: the key refusal when it looks like a key; otherwise `message`
    /// applied to how it may be named — `id "fnd_…"`, or, when too long to repeat,
    /// `that id (200 bytes, longer than any finding id)`.
    ///
    /// ```swift
    /// GivenIdentifier.findingID.message(text) { "no finding with \($0)" }
    /// ```
    public func message(_ text: some StringProtocol, _ message: (String) -> String) -> String {
        if let refusal = keyRefusal(text) { return refusal }
        let length = text.utf8.count
        guard length <= echoLimit else { return message("that \(noun) (\(length) bytes, longer than any \(kind))") }
        return message("\(noun) \"\(text)\"")
    }
}
