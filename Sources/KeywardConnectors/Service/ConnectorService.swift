import AsyncHTTPClient
import Foundation
import KeywardCore
import KeywardGovernance
import KeywardImport
import KeywardStore
import Logging
import Synchronization

/// Syncs, remediates and drills through the configured connectors — the same way for every
/// kind (see ``Connector`` for what a connector itself does).
///
/// - A sync takes the connector's lease (`connector_syncs`, so that one node at a time syncs a
///   connector), reads the snapshot, and writes it through
///   ``KeywardGovernance/GovernanceService/importDocuments(_:connector:by:options:adjust:closing:)``
///   exactly as file imports of the same documents would be written, plus the API's facts and
///   the source `connector:NAME`. A failed read writes nothing but the failed run's row and a
///   `connector.sync_failed` audit event naming what failed.
/// - A remediation finds the record's connector, checks that its `actions` allow it, asks the
///   provider, and records the answer (``KeywardGovernance/GovernanceService/recordRemediation(_:by:)``).
public final class ConnectorService: Sendable {
    public let declarations: [ConnectorDeclaration]
    public let governance: GovernanceService
    let registry: ConnectorRegistry
    let injectedTransport: (any ConnectorTransport)?
    /// The AsyncHTTPClient of this service, made at the first request (a node whose connectors
    /// never run makes none) and shut down by ``shutdown()``.
    let ownedClient = Mutex<HTTPClient?>(nil)
    let environment: [String: String]
    let sleep: ConnectorHTTP.Sleep
    /// Names this process in sync leases.
    public let holder: String
    let logger: Logger
    /// How long a sync may hold its lease before another node may take over (a node that died mid-sync).
    public static let leaseMilliseconds: Int64 = 60 * 60 * 1000

    /// A service that sends through `transport`, or through an AsyncHTTPClient of its own (shut
    /// down by ``shutdown()``) when nil.
    public init(declarations: [ConnectorDeclaration], governance: GovernanceService, registry: ConnectorRegistry = .builtIn,
                transport: (any ConnectorTransport)? = nil, environment: [String: String] = ProcessInfo.processInfo.environment,
                sleep: @escaping ConnectorHTTP.Sleep = { try await Task.sleep(for: $0) },
                holder: String = "node-\(UInt64.random(in: 0...UInt64.max))", logger: Logger = Logger(label: "keyward.connectors")) {
        self.declarations = declarations
        self.governance = governance
        self.registry = registry
        injectedTransport = transport
        self.environment = environment
        self.sleep = sleep
        self.holder = holder
        self.logger = logger
    }

    public func shutdown() async throws {
        let client = ownedClient.withLock { client -> HTTPClient? in defer { client = nil }; return client }
        try await client?.shutdown()
    }

    var transport: any ConnectorTransport {
        if let injectedTransport { return injectedTransport }
        return AsyncHTTPTransport(client: ownedClient.withLock { client in
            if let client { return client }
            let made = AsyncHTTPTransport.makeClient()
            client = made
            return made
        })
    }

    /// The declaration called `name`, or a 404-style error naming the configured ones.
    public func declaration(named name: String) throws -> ConnectorDeclaration {
        guard let declaration = declarations.first(where: { $0.name == name }) else {
            let known = declarations.map(\.name).joined(separator: ", ")
            throw KeywardError.notFound(GivenIdentifier.connectorName.message(name) { "no connector with \($0) is configured" }
                                        + (known.isEmpty ? "" : " (configured: \(known))"))
        }
        return declaration
    }

    /// A connector built for `declaration`, its credential read now.
    public func connector(for declaration: ConnectorDeclaration) throws -> any Connector {
        let http = ConnectorHTTP(transport: transport, sleep: sleep)
        return try registry.make(ConnectorContext(declaration: declaration, http: http, environment: environment, clock: governance.clock, logger: logger))
    }

    // MARK: listing

    /// Every configured connector with how its last sync went.
    public func list() async throws -> [ConnectorState] {
        let rows = Dictionary(uniqueKeysWithValues: try await governance.store.connectorSyncs().map { ($0.name, $0) })
        let now = governance.clock.now()
        return declarations.map { ConnectorState(declaration: $0, sync: rows[$0.name], now: now) }
    }
}

/// A connector as `keyward connectors list` and `GET /v1/connectors` show it.
public struct ConnectorState: Sendable {
    public var declaration: ConnectorDeclaration
    public var sync: ConnectorSyncRow?
    /// True while a node holds its sync lease.
    public var syncing: Bool

    init(declaration: ConnectorDeclaration, sync: ConnectorSyncRow?, now: Timestamp) {
        self.declaration = declaration
        self.sync = sync
        syncing = sync.map { $0.holder != nil && $0.leaseUntil > now } ?? false
    }
}
