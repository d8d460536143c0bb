import Foundation
import KeywardServer
import Testing

@Suite("OpenAPI document")
struct OpenAPITests {
    @Test("every route the server registers is documented with its method and scope")
    func everyRouteDocumented() async throws {
        try await ServerFixture.withRouter { fixture, client in
            let answer = try await client.call(.get, "/openapi.json", token: nil)
            #expect(answer.status == .ok)
            let document = answer.json
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            let routes = KeywardApplication.routes(fixture.node)
            #expect(routes.count >= 14)
            for route in routes {
                let operation = paths[route.path]?[route.method.rawValue.lowercased()] as? [String: Any]
                #expect(operation != nil, "\(route.method) \(route.path) is missing from openapi.json")
                #expect(operation?["x-keyward-scope"] as? String == route.scopeName, "\(route.method) \(route.path) documents the wrong scope")
            }
            let documented = paths.flatMap { path, operations in operations.keys.map { "\($0.uppercased()) \(path)" } }
            let registered = Set(routes.map { "\($0.method.rawValue) \($0.path)" })
            for operation in documented {
                #expect(registered.contains(operation), "\(operation) is documented but not served")
            }
        }
    }
}
