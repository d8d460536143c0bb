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
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty {
            // Foundation on Linux reports a fraction or an overflow in an integer field as
            // "not valid JSON" with no path; find the field ourselves.
            if let field = numberProblem(in: members, path: "") {
                throw APIError.badRequest("field '\(field)' must be an integer in range")
            }
            throw APIError.badRequest("body does not have the expected shape: \(context.debugDescription)")
        }
    }

    /// The first number that is not a 64-bit integer, outside free-form members.
    static func numberProblem(in value: Any, path: String) -> String? {
        if let members = value as? [String: Any] {
            for (key, member) in members.sorted(by: { $0.key < $1.key }) where !["meta", "source"].contains(key) {
                if let found = numberProblem(in: member, path: path.isEmpty ? key : "\(path).\(key)") { return found }
            }
        } else if let items = value as? [Any] {
            for (index, item) in items.enumerated() {
                if let found = numberProblem(in: item, path: "\(path)[\(index)]") { return found }
            }
        } else if let number = value as? NSNumber {
            let double = number.doubleValue
            if double != double.rounded() || abs(double) >= 9.2e18 { return path }
        }
        return nil
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
