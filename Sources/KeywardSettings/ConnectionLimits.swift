import KeywardCore

/// How long and how many: the limits that keep an anonymous client from holding the server's
/// connections, memory or upload disk (settings `header_timeout_ms`, `idle_timeout_ms`,
/// `body_timeout_ms`, `body_min_bytes_per_second`, `max_connections`, `verify_buffer_bytes`,
/// `trusted_proxies`, `max_concurrent_imports`, `import_spool_bytes`).
///
/// The defaults let a well-behaved client on a slow link through and close what only a client
/// that is holding the connection on purpose would do: take ten seconds over a request head,
/// sit a minute idle between requests, or send a body more slowly than a 2G phone.
public struct ConnectionLimits: Sendable {
    /// A request head must be complete this long after its first byte (a new connection: after
    /// it was accepted).
    public var headerTimeoutMilliseconds: Int = 10_000
    /// A kept-alive connection with no request in progress is closed after this long.
    public var idleTimeoutMilliseconds: Int = 60_000
    /// A request body must be complete this long after its head, or, for a larger body, arrive
    /// at no less than ``bodyMinimumBytesPerSecond`` on average.
    public var bodyTimeoutMilliseconds: Int = 30_000
    public var bodyMinimumBytesPerSecond: Int = 16 * 1024
    /// Connections held open at once. At the limit a new connection closes the longest-idle
    /// kept-alive connection, else the one that has waited longest for an unfinished request
    /// head; when every connection is busy with a request, the new one is answered 503 and closed.
    /// The server lowers it to what its file-descriptor limit allows.
    public var maxConnections: Int = 4096
    /// Bytes the verify fast path may buffer over all connections before authenticating them
    /// (each connection at most ``verifyBufferBytesPerConnection``); beyond that, a verification
    /// goes through the router, which authenticates before it reads a body.
    public var verifyBufferBytes: Int = 4 << 20
    public static let verifyBufferBytesPerConnection = 16 * 1024
    /// Proxies whose `X-Forwarded-For` is believed: for a request from one of these networks the
    /// client is the right-most forwarded address that is not itself a trusted proxy.
    public var trustedProxies: [CIDR] = []
    /// Inventory uploads received at once; more are answered 503 with Retry-After.
    public var maxConcurrentImports: Int = 2
    /// Temporary disk all uploads being received may use together.
    public var importSpoolBytes: Int = 2 << 30

    public init() {}
}
