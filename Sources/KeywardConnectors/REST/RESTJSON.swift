import Foundation

/// Reading the JSON answers of the REST providers (GitHub, Google, OpenAI, Anthropic): a page's
/// object, and an error body in a few secret-free words.
enum RESTJSON {
    /// The answer's JSON object, or ``ConnectorError/malformedResponse(_:)`` naming `label`.
    static func object(_ response: ConnectorResponse, label: String) throws -> [String: Any] {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] else {
            throw ConnectorError.malformedResponse("\(label): expected a JSON object, got \(response.body.count) bytes")
        }
        return object
    }

    /// `response` when it succeeded; otherwise the request failed for good (a read cannot go on
    /// without it).
    @discardableResult
    static func require(_ response: ConnectorResponse, label: String) throws -> ConnectorResponse {
        guard response.isSuccess else { throw ConnectorError.failed(["\(label): \(summary(response))"]) }
        return response
    }

    /// `HTTP 403 PERMISSION_DENIED: Permission 'iam.serviceAccountKeys.list' denied …`: the
    /// status and what the provider's error body says, whichever of the common shapes it uses —
    /// GitHub `{"message"}`, Google `{"error": {"status", "message"}}`, OpenAI
    /// `{"error": {"type"|"code", "message"}}`, Anthropic `{"type": "error", "error": {"type",
    /// "message"}}`, OAuth 2 `{"error", "error_description"}`. Provider messages name resources and permissions, never the caller's
    /// credential; they are cut to 300 characters all the same.
    static func summary(_ response: ConnectorResponse) -> String {
        var text = "HTTP \(response.status)"
        let object = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any]
        let error = object?["error"] as? [String: Any]
        let code = (error?["status"] as? String) ?? (error?["type"] as? String) ?? (error?["code"] as? String) ?? (object?["error"] as? String)
        let message = (error?["message"] as? String) ?? (object?["message"] as? String) ?? (object?["error_description"] as? String)
        if let code { text += " \(code)" }
        if let message { text += ": \(message.prefix(300))" }
        return text
    }

    /// The cursor of lists paged by `has_more` and `last_id` (OpenAI's `after`, Anthropic's
    /// `after_id`): the last id while `has_more` is true, else nil.
    static func afterLast(_ response: ConnectorResponse, label: String) throws -> String? {
        let page = try object(response, label: label)
        guard let data = page["data"] as? [Any] else { throw ConnectorError.malformedResponse("\(label): a page without a data array") }
        guard page["has_more"] as? Bool == true else { return nil }
        guard let last = (page["last_id"] as? String) ?? ((data.last as? [String: Any])?["id"] as? String) else {
            throw ConnectorError.malformedResponse("\(label): has_more without last_id")
        }
        return last
    }

    /// Pages as one document of concatenated JSON values (the importers read them all).
    static func joined(_ pages: [[UInt8]]) -> [UInt8] {
        var document: [UInt8] = []
        for page in pages {
            document.append(contentsOf: page)
            document.append(0x0A)
        }
        return document
    }

    /// Encodes `value` for a URL query or path segment (RFC 3986 unreserved characters and `@`
    /// kept: Google names service accounts by e-mail in paths).
    static func encode(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? value
    }

    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~@")

    /// `object` as compact JSON bytes, keys sorted (a snapshot document).
    static func bytes(_ object: Any) throws -> [UInt8] {
        Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
    }
}
