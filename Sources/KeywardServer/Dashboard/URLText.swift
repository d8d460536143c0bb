import Foundation

/// Encoding for values placed in URLs the dashboard writes (escaping for markup is
/// ``HTMLEscaping``).
enum URLText {
    /// Characters left as they are in a query value or path segment: RFC 3986 unreserved only.
    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// Percent-encodes a value for a URL query or path segment.
    static func urlEncode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    /// `name=value&…` with every name and value encoded, skipping nil and empty values.
    static func query(_ items: [(String, String?)]) -> String {
        items.compactMap { name, value in
            guard let value, !value.isEmpty else { return nil }
            return urlEncode(name) + "=" + urlEncode(value)
        }.joined(separator: "&")
    }
}
