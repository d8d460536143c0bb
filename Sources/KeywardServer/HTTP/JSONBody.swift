import Foundation
import Hummingbird
import KeywardAPI
import KeywardCore
import NIOCore

/// Request decoding and response encoding for the JSON API (every route but verify).
enum JSONBody {
    /// Decodes a request body as `T`, rejecting members `T` does not know: a typo such as `ttl`
    /// for `ttl_seconds` must fail loudly, not issue a key that never expires.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, context: KeywardRequestContext, allowed: Set<String>) async throws -> T {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        return try decode(type, from: buffer, allowed: allowed)
    }

    static func decode<T: Decodable>(_ type: T.Type, from buffer: ByteBuffer, allowed: Set<String>) throws -> T {
        let data = Data(buffer.readableBytesView)
        guard !data.isEmpty else { throw APIError.badRequest("request body is empty; send a JSON object") }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [])
        } catch {
            throw APIError.badRequest("body is not valid JSON")
        }
        guard let members = object as? [String: Any] else { throw APIError.badRequest("body must be a JSON object") }
        if let unknown = members.keys.filter({ !allowed.contains($0) }).sorted().first {
            throw APIError.badRequest("unknown field '\(unknown.prefix(64))'; allowed: \(allowed.sorted().joined(separator: ", "))")
        }
        return try JSONDecoder().decode(T.self, from: data)
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try encoder.encode(value)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
