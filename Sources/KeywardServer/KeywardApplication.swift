import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import KeywardAPI
import KeywardCore
import KeywardSettings
import KeywardStore
import Logging
import ServiceLifecycle

/// Assembles the HTTP application of a node: the route list, the router, and the background
/// services that run beside the server.
public enum KeywardApplication {
    /// Every route the server answers, in one list (also read by the OpenAPI conformance test).
    public static func routes(_ node: KeywardNode) -> [APIRoute] {
        SystemRoutes.routes() + [VerifyRoute.route(node), MetricsRoute.route(node)] + KeyRoutes.routes(node) + AuditRoutes.routes(node) + DrillRoutes.routes(node) + GovernanceRoutes.routes(node) + LeakRoutes.routes(node) + UsageRoutes.routes(node) + WebhookRoutes.routes(node)
            + ConnectorRoutes.routes(node)
    }

    /// The methods a known path answers 405 to when it has no route for them (QUERY: the
    /// safe method with a body of draft-ietf-httpbis-safe-method-w-body, which schemathesis tries).
    static let answeredMethods: [HTTPRequest.Method] = [.get, .post, .put, .patch, .delete, .options, .trace, HTTPRequest.Method("QUERY")!]

    public static func router(_ node: KeywardNode) -> Router<KeywardRequestContext> {
        let router = Router(context: KeywardRequestContext.self)
        router.add(middleware: APIErrorMiddleware())
        router.add(middleware: ClientAddressMiddleware(proxies: TrustedProxies(networks: node.configuration.limits.trustedProxies)))
        let authenticator = node.authenticator
        let maxBody = node.configuration.maxBodyBytes
        for route in routes(node) {
            let handler = route.handler
            let scope = route.requiredScope
            let maxBody = route.maxBodyBytes ?? maxBody
            router.on(RouterPath(route.routerPath), method: route.method) { request, context in
                var context = context
                context.maxUploadSize = maxBody
                if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBody {
                    throw APIError(.contentTooLarge, code: "body_too_large", message: "request body is \(length) bytes; the limit is \(maxBody)")
                }
                let credential = try await scope.asyncMap { try await authenticator.authenticate(request, context: context, scope: $0) }
                return try await handler(request, context, credential)
            }
        }
        // A known path with a method it does not have is 405 with `Allow` (Hummingbird's router
        // would answer 404, as for a path that does not exist).
        for (path, methods) in Dictionary(grouping: routes(node), by: \.routerPath).mapValues({ $0.map(\.method) }) {
            let allow = HTTPFields([HTTPField(name: .allow, value: methods.map(\.rawValue).joined(separator: ", "))])
            for method in KeywardApplication.answeredMethods where !methods.contains(method) {
                router.on(RouterPath(path), method: method) { _, _ -> Response in
                    throw APIError(.methodNotAllowed, code: "method_not_allowed", message: "method not allowed on this route", headers: allow)
                }
            }
        }
        // The dashboard's HTML pages (issue 7) are not API routes: registered beside the list,
        // so the OpenAPI document and its conformance test cover the JSON API only.
        do {
            try DashboardRoutes.register(on: router, node: node)
        } catch {
            node.logger.error("dashboard disabled: its templates could not be loaded", metadata: ["error": .string("\(error)")])
        }
        return router
    }

    /// The application for `keyward serve`, with the usage flusher as a companion service.
    public static func application(_ node: KeywardNode, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let configuration = node.configuration
        let endpoint = node.verifyEndpoint
        let serverName = "keyward"
        let limits = configuration.limits
        let registry = ConnectionRegistry(limit: limits.maxConnections)
        let budget = VerifyBufferBudget(bytes: limits.verifyBufferBytes)
        let proxies = TrustedProxies(networks: limits.trustedProxies)
        let fastPathBody = min(configuration.maxBodyBytes, ConnectionLimits.verifyBufferBytesPerConnection)
        let http1 = HTTPServerBuilder { responder in
            GuardedHTTP1Channel(http1: HTTP1Channel(responder: responder, configuration: .init(additionalChannelHandlers: [
                RequestPhaseObserver(),
                VerifyFastPath(endpoint: endpoint, maxBodyBytes: fastPathBody, serverName: serverName, budget: budget, proxies: proxies),
            ])), registry: registry, limits: limits)
        }
        // Over TLS the guard and the fast path sit behind the TLS handler, in the same HTTP/1
        // pipeline (a handshake that never ends is closed by the guard's idle deadline). The
        // builder only captures the configuration (its `throws` is for the channel it builds at
        // start, from files the node already checked), so `try!` cannot fire here.
        let server = node.tls.map { files in try! HTTPServerBuilder.tls(http1, tlsConfiguration: files.configuration()) } ?? http1
        return Application(
            router: router(node),
            server: server,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: serverName),
            services: [
                UsageFlusher(node: node, interval: .milliseconds(configuration.usageFlushIntervalMilliseconds)),
                ChangeFeedFollower(node: node, feed: node.changeFeed),
                GovernanceScheduler(node: node),
                AnomalyDetectionService(monitor: node.anomalies),
                ConnectorScheduler(node: node),
            ] + webhookServices(node),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
            logger: node.logger
        )
    }
}

extension KeywardApplication {
    /// The webhook dispatcher, unless switched off.
    static func webhookServices(_ node: KeywardNode) -> [any Service] {
        guard node.configuration.webhooks.enabled else { return [] }
        return [WebhookDispatcher(store: node.store, configuration: node.configuration.webhooks, clock: node.clock, stats: node.webhookStats,
                                  logger: node.logger)]
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
