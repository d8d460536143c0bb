import Foundation
import Hummingbird
import KeywardAPI
import KeywardCore
import NIOCore

/// Request decoding and response encoding for the JSON API (every route but verify).
///
/// Bodies are checked with ``KeywardCore/StrictJSONParser`` before they are decoded: Foundation's
/// parser accepts a trailing comma and keeps one of two members of the same name, and a request
/// that reads one way to keyward and another to a proxy or a log reader is how confusion starts.
enum JSONBody {
    /// Decodes a request body as `T`, rejecting members `T` does not know: a typo such as `ttl`
    /// for `ttl_seconds` must fail loudly, not issue a key that never expires. `nested` gives the
    /// members of members that are objects of a fixed shape, or arrays of them (`rate_limit`,
    /// `selector`); free-form members (`meta`) have no entry.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, context: KeywardRequestContext, allowed: Set<String>,
                                     nested: [String: Set<String>] = [:]) async throws -> T {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        return try decode(type, from: buffer, allowed: allowed, nested: nested)
    }

    static func decode<T: Decodable>(_ type: T.Type, from buffer: ByteBuffer, allowed: Set<String>, nested: [String: Set<String>] = [:]) throws -> T {
        let bytes = Array(buffer.readableBytesView)
        guard !bytes.isEmpty else { throw APIError.badRequest("request body is empty; send a JSON object") }
        guard String(validating: bytes, as: UTF8.self) != nil else { throw APIError.badRequest("body is not valid JSON: it is not UTF-8") }
        let document: LocatedJSON
        do {
            document = try StrictJSONParser.parse(bytes)
        } catch {
            switch error.kind {
            case .duplicateMember: throw APIError.badRequest("\(error); give each member once")
            case .invalid: throw APIError.badRequest("body is not valid JSON: \(error) (line \(error.line))")
            }
        }
        guard let members = document.object else { throw APIError.badRequest("body must be a JSON object") }
        try checkMembers(members, allowed: allowed, path: "")
        for (member, inner) in nested.sorted(by: { $0.key < $1.key }) {
            guard let node = members[member] else { continue }
            let objects = node.object.map { [(member, $0)] }
                ?? node.array?.enumerated().compactMap { index, element in element.object.map { ("\(member)[\(index)]", $0) } } ?? []
            for (path, object) in objects { try checkMembers(object, allowed: inner, path: path) }
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty {
            // Foundation on Linux reports a fraction or an overflow in an integer field as
            // "not valid JSON" with no path; find the field ourselves.
            if let field = numberProblem(in: document, path: "") {
                throw APIError.badRequest("field '\(field)' must be an integer in range")
            }
            throw APIError.badRequest("body does not have the expected shape: \(context.debugDescription)")
        }
    }

    private static func checkMembers(_ members: [String: LocatedJSON], allowed: Set<String>, path: String) throws {
        if let unknown = members.keys.filter({ !allowed.contains($0) }).sorted().first {
            let name = path.isEmpty ? String(unknown.prefix(64)) : "\(path).\(unknown.prefix(64))"
            throw APIError.badRequest("unknown field '\(name)'; allowed: \(allowed.sorted().joined(separator: ", "))")
        }
    }

    /// The first number that is not a 64-bit integer, outside free-form members.
    static func numberProblem(in value: LocatedJSON, path: String) -> String? {
        switch value.value {
        case .object(let members):
            for (key, member) in members.sorted(by: { $0.key < $1.key }) where !["meta", "source"].contains(key) {
                if let found = numberProblem(in: member, path: path.isEmpty ? key : "\(path).\(key)") { return found }
            }
        case .array(let items):
            for (index, item) in items.enumerated() {
                if let found = numberProblem(in: item, path: "\(path)[\(index)]") { return found }
            }
        case .number(let number):
            if number != number.rounded() || abs(number) >= 9.2e18 { return path }
        case .null, .bool, .string:
            break
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
