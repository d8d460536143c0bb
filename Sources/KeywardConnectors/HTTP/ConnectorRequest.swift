/// One HTTP request to a provider, independent of the client library, so that signing can be
/// tested on plain values and tests can answer requests without a socket.
public struct ConnectorRequest: Sendable, Equatable {
    public var method: String
    /// Absolute URL, query included.
    public var url: String
    /// In the order they are sent. Names as given; signers lower-case them themselves.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// What failures call this request: the operation and its non-secret arguments
    /// (`ListAccessKeys UserName=alice`). Never a credential.
    public var label: String

    public init(method: String, url: String, headers: [(name: String, value: String)] = [], body: [UInt8] = [], label: String) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.label = label
    }

    /// The first value of header `name` (any case).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// Sets header `name`, replacing every value it had.
    public mutating func setHeader(_ name: String, _ value: String) {
        headers.removeAll { $0.name.lowercased() == name.lowercased() }
        headers.append((name, value))
    }

    public static func == (lhs: ConnectorRequest, rhs: ConnectorRequest) -> Bool {
        lhs.method == rhs.method && lhs.url == rhs.url && lhs.body == rhs.body && lhs.label == rhs.label
            && lhs.headers.map(\.name) == rhs.headers.map(\.name) && lhs.headers.map(\.value) == rhs.headers.map(\.value)
    }
}

/// A provider's answer, whatever its status: connectors read error bodies too (AWS says
/// `<Code>Throttling</Code>` with a 400).
public struct ConnectorResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    public var text: String { String(decoding: body, as: UTF8.self) }

    public var isSuccess: Bool { (200..<300).contains(status) }
}

/// Sends one request and returns the provider's answer, or throws when there was none
/// (connection refused, timeout). ``AsyncHTTPTransport`` in production; tests answer in memory
/// or run a local server.
public protocol ConnectorTransport: Sendable {
    func send(_ request: ConnectorRequest) async throws -> ConnectorResponse
}
