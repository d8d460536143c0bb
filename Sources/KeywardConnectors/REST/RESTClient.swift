/// A REST provider's API as the github, gcp-iam, openai and anthropic connectors call it: the
/// shared HTTP layer, and the headers every request carries — the credential among them, added
/// per attempt, so it never sits in a request value that could be printed or retried stale.
struct RESTClient: Sendable {
    let http: ConnectorHTTP
    let headers: @Sendable () async throws -> [(name: String, value: String)]

    func send(_ request: ConnectorRequest) async throws -> ConnectorResponse {
        let headers = self.headers
        return try await http.send(request) { prepared in
            for header in try await headers() { prepared.setHeader(header.name, header.value) }
        }
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
