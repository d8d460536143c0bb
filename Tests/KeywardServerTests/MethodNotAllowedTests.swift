import HTTPTypes
import HummingbirdTesting
import KeywardServer
import Testing

/// A known path with a method it has no route for is 405 with `Allow`, not 404.
@Suite("Method not allowed")
struct MethodNotAllowedTests {
    @Test("TRACE, PUT and OPTIONS on API paths are 405 naming the allowed methods; unknown paths stay 404")
    func methodNotAllowed() async throws {
        try await ServerFixture.withRouter { fixture, client in
            for (method, path, allowed) in [(HTTPRequest.Method.trace, "/v1/keys", ["GET", "POST"]), (.put, "/v1/keys", ["GET", "POST"]),
                                            (.options, "/healthz", ["GET"]), (.trace, "/v1/verify", ["POST"]), (.delete, "/v1/webhooks", ["GET", "POST"]),
                                            (try #require(HTTPRequest.Method("QUERY")), "/v1/keys/lookup", ["POST"])] {
                let answer = try await client.call(method, path, token: fixture.admin)
                #expect(answer.status == .methodNotAllowed, "\(method) \(path) → \(answer.status)")
                let allow = answer.headers[.allow] ?? ""
                #expect(Set(allow.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }) == Set(allowed), "\(method) \(path): \(allow)")
                #expect(answer.errorMessage.contains("not allowed"))
            }
            #expect(try await client.call(.trace, "/v1/nothing-here", token: fixture.admin).status == .notFound)
        }
    }
}
