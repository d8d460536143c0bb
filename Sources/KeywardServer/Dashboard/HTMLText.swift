import Foundation

/// Escaping for the few places the dashboard writes markup itself (the SVG charts) rather than
/// through a template, and encoding for values placed in URLs.
enum HTMLText {
    /// Escapes text for an element body or a double- or single-quoted attribute.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

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
