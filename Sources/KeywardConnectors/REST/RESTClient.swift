/// A REST provider's API as the github, gcp-iam, openai and anthropic connectors call it: the
/// shared HTTP layer, and the headers every request carries — the credential among them, added
/// per attempt, so it never sits in a request value that could be printed or retried stale.
struct RESTClient: Sendable {
    let http: ConnectorHTTP
    let headers: @Sendable () async throws -> [(name: String, value: String)]
    /// Called when the provider answers 401 to a credential that can be renewed (an OAuth access
    /// token); the request is then sent once more. Nil: a 401 is the answer.
    let onUnauthorized: (@Sendable () -> Void)?

    init(http: ConnectorHTTP, onUnauthorized: (@Sendable () -> Void)? = nil,
         headers: @escaping @Sendable () async throws -> [(name: String, value: String)]) {
        self.http = http
        self.onUnauthorized = onUnauthorized
        self.headers = headers
    }

    func send(_ request: ConnectorRequest) async throws -> ConnectorResponse {
        let headers = self.headers
        let authorize: ConnectorHTTP.Authorize = { prepared in
            for header in try await headers() { prepared.setHeader(header.name, header.value) }
        }
        let response = try await http.send(request, authorize: authorize)
        guard response.status == 401, let onUnauthorized else { return response }
        onUnauthorized()
        return try await http.send(request, authorize: authorize)
    }

    /// Every page of a list, as the provider sent it: `url` makes the request's URL from the
    /// cursor (nil: the first page), `next` reads the next cursor from a page (nil: the last).
    /// A page that fails for good fails the whole read.
    func pages(label: String, url: (String?) throws -> String, next: (ConnectorResponse) throws -> String?) async throws -> [[UInt8]] {
        var count = 0
        return try await Pagination.collect(label: label) { (cursor: String?) -> (items: [[UInt8]], next: String?) in
            count += 1
            let response = try await send(ConnectorRequest(method: "GET", url: try url(cursor), label: "\(label) page \(count)"))
            try RESTJSON.require(response, label: label)
            return ([response.body], try next(response))
        }
    }
}
