import Foundation
import Hummingbird
import NIOCore

/// Public routes: health and the OpenAPI document.
enum SystemRoutes {
    static func routes() -> [APIRoute] {
        let health = ByteBuffer(string: #"{"status":"ok"}"#)
        let document = ByteBuffer(bytes: OpenAPIDocument.data)
        return [
            APIRoute(.get, "/healthz", scope: nil) { _, _, _ in
                Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: health))
            },
            APIRoute(.get, "/openapi.json", scope: nil) { _, _, _ in
                Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: document))
            },
        ]
    }
}

/// The OpenAPI 3.1 document shipped with the server (`Resources/openapi.json`).
public enum OpenAPIDocument {
    public static let data: Data = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json"),
              let data = try? Data(contentsOf: url)
        else { return Data(#"{"error":"openapi.json resource missing from this build"}"#.utf8) }
        return data
    }()
}
