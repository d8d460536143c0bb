import Foundation
import KeywardCore
import KeywardSettings

/// A leak report's body parsed and bounded: a JSON array of `{token, type, url, source}` (and,
/// on the signed endpoint, `token_hash` instead of `token`).
///
/// Tokens are hashed as they are read and go no further: what leaves this type is the SHA-256
/// (GitHub's `token_hash`) and whether the token is a well-formed key of this deployment.
struct LeakPayload {
    struct Item {
        /// SHA-256 of the token, for the feedback and the store look-up.
        var hash: KeyHash
        /// True when the token can be a key of this deployment (prefix and checksum, or a bare
        /// hash, which can only be looked up); false ones are answered `false_positive` unlooked.
        var isCandidate: Bool
        var tokenType: String
        var url: String
        var source: String
    }

    static let maximumTypeLength = 256
    static let maximumURLLength = 4096
    static let maximumSourceLength = 256
    /// GitHub's items are flat objects in an array; deeper nesting is refused before parsing so
    /// that no recursive parser meets a pathological body.
    static let maximumDepth = 8

    var items: [Item]

    /// - Parameters:
    ///   - acceptsHashes: the signed endpoint takes `token_hash`; GitHub's does not.
    ///   - strict: reject members other than the known ones (the signed endpoint); GitHub's
    ///     payload is read leniently so that a field GitHub adds later does not break intake.
    init(_ bytes: [UInt8], format: KeyFormat, configuration: LeakConfiguration, acceptsHashes: Bool, strict: Bool) throws(APIError) {
        guard !bytes.isEmpty else { throw .badRequest("request body is empty; send a JSON array of {token, type, url, source}") }
        guard Self.depth(of: bytes) <= Self.maximumDepth else { throw .badRequest("body is nested too deeply") }
        let document: LocatedJSON
        do {
            // Strict as every other body: a trailing comma or a member given twice is refused,
            // not read one way here and another way by whoever else parses the report.
            document = try StrictJSONParser.parse(bytes)
        } catch {
            throw .badRequest("body is not valid JSON: \(error) (line \(error.line))")
        }
        guard let array = document.array else { throw .badRequest("body must be a JSON array of {token, type, url, source}") }
        guard array.count <= configuration.maxItems else {
            throw APIError(.contentTooLarge, code: "too_many_tokens", message: "a report holds at most \(configuration.maxItems) tokens; this one has \(array.count)")
        }
        let allowed: Set<String> = acceptsHashes ? ["token", "token_hash", "type", "url", "source"] : ["token", "type", "url", "source"]
        var items: [Item] = []
        items.reserveCapacity(array.count)
        for (index, element) in array.enumerated() {
            guard let members = element.object else { throw .badRequest("[\(index)] must be an object {token, type, url, source}") }
            if strict, let unknown = members.keys.filter({ !allowed.contains($0) }).sorted().first {
                throw .badRequest("[\(index)]: unknown field '\(unknown.prefix(64))'; allowed: \(allowed.sorted().joined(separator: ", "))")
            }
            let type = try Self.text(members, "type", index: index, maximum: Self.maximumTypeLength)
            let url = try Self.text(members, "url", index: index, maximum: Self.maximumURLLength)
            let source = try Self.text(members, "source", index: index, maximum: Self.maximumSourceLength)
            let token = members["token"]?.value
            let hashText = acceptsHashes ? members["token_hash"]?.value : nil
            switch (token, hashText) {
            case (.string(let token), nil):
                guard !token.isEmpty, token.utf8.count <= configuration.maxTokenLength else {
                    throw .badRequest("[\(index)].token must be 1-\(configuration.maxTokenLength) bytes")
                }
                var text = token
                let (hash, candidate) = text.withUTF8 { buffer in
                    let raw = UnsafeRawBufferPointer(buffer)
                    return (KeyHash(of: raw), format.accepts(raw))
                }
                items.append(Item(hash: hash, isCandidate: candidate, tokenType: type, url: url, source: source))
            case (nil, .string(let hashText)):
                guard let hash = KeyHash(hex: hashText) else { throw .badRequest("[\(index)].token_hash must be 64 hex digits (SHA-256 of the token)") }
                items.append(Item(hash: hash, isCandidate: true, tokenType: type, url: url, source: source))
            case (nil, nil):
                throw .badRequest(acceptsHashes ? "[\(index)] needs token or token_hash" : "[\(index)] needs a token")
            case (.some, .some):
                throw .badRequest("[\(index)] has both token and token_hash; send one")
            default:
                throw .badRequest("[\(index)].\(token == nil ? "token_hash" : "token") must be a string")
            }
        }
        self.items = items
    }

    /// An optional string member (null and absent read as empty), bounded.
    static func text(_ members: [String: LocatedJSON], _ name: String, index: Int, maximum: Int) throws(APIError) -> String {
        switch members[name]?.value {
        case nil, .null: return ""
        case .string(let value):
            guard value.utf8.count <= maximum else { throw .badRequest("[\(index)].\(name) must be at most \(maximum) bytes") }
            return value
        default: throw .badRequest("[\(index)].\(name) must be a string")
        }
    }

    /// Deepest nesting of arrays and objects, outside strings.
    static func depth(of bytes: [UInt8]) -> Int {
        var depth = 0, deepest = 0
        var inString = false, escaped = false
        for byte in bytes {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                deepest = max(deepest, depth)
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
        }
        return deepest
    }
}
