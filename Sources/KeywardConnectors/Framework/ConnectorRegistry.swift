import KeywardCore

/// Maps a connector `kind` to the code that builds it. Adding a kind is one line here plus the
/// connector's own files (see docs/ARCHITECTURE.md, "Connectors").
public struct ConnectorRegistry: Sendable {
    public typealias Constructor = @Sendable (ConnectorContext) throws -> any Connector

    public var constructors: [ConnectorKind: Constructor]

    public init(constructors: [ConnectorKind: Constructor]) {
        self.constructors = constructors
    }

    /// Every connector this build carries.
    public static let builtIn = ConnectorRegistry(constructors: [
        .awsIAM: { try AWSIAMConnector(context: $0) },
        .github: { try GitHubConnector(context: $0) },
        .gcpIAM: { try GCPIAMConnector(context: $0) },
        .openai: { try OpenAIConnector(context: $0) },
        .anthropic: { try AnthropicConnector(context: $0) },
    ])

    /// Builds the connector `context` declares; reads its credential now, so a missing one is
    /// reported before any request.
    public func make(_ context: ConnectorContext) throws -> any Connector {
        guard let constructor = constructors[context.declaration.kind] else {
            throw ConnectorError.unsupported("connector kind \(context.declaration.kind.rawValue) is not available in this build")
        }
        return try constructor(context)
    }
}
