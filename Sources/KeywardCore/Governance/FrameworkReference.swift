/// A reference to one item of a control framework, written `FRAMEWORK:ITEM`
/// (`OWASP-NHI-2025:NHI7`, `NIST-CSF-2.0:PR.AA-01`, `CIS-AWS-7.0.0:2.12`, `CIS-Controls-8:5.5`).
///
/// The framework part carries the version because item numbers move between versions
/// (CIS AWS 1.14 in v3.0.0 is 2.12 in v7.0.0).
public struct FrameworkReference: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var framework: String
    public var item: String

    public init(framework: String, item: String) {
        self.framework = framework
        self.item = item
    }

    /// Parses `FRAMEWORK:ITEM`; nil when either side is empty or the colon is missing.
    public init?(_ text: String) {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let framework = String(text[..<colon])
        let item = String(text[text.index(after: colon)...])
        guard !framework.isEmpty, !item.isEmpty, !item.contains(":") else { return nil }
        self.init(framework: framework, item: item)
    }

    public var description: String { "\(framework):\(item)" }

    public static func < (lhs: FrameworkReference, rhs: FrameworkReference) -> Bool {
        (lhs.framework, lhs.item) < (rhs.framework, rhs.item)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = FrameworkReference(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected FRAMEWORK:ITEM such as OWASP-NHI-2025:NHI7, got \"\(text.prefix(60))\"")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    public static let owaspNHI = "OWASP-NHI-2025"
    public static let nistCSF = "NIST-CSF-2.0"
    public static let cisAWS = "CIS-AWS-7.0.0"
    public static let cisControls = "CIS-Controls-8"

    public static func nhi(_ number: Int) -> FrameworkReference { FrameworkReference(framework: owaspNHI, item: "NHI\(number)") }
    public static func csf(_ item: String) -> FrameworkReference { FrameworkReference(framework: nistCSF, item: item) }
    public static func cisAWS(_ item: String) -> FrameworkReference { FrameworkReference(framework: cisAWS, item: item) }
    public static func cisControls(_ item: String) -> FrameworkReference { FrameworkReference(framework: cisControls, item: item) }
}
