/// Following paged lists to the end, whatever the provider calls its cursor: AWS `Marker` with
/// `IsTruncated`, GitHub's `Link: <…>; rel="next"`, Google's `nextPageToken`, OpenAI's
/// `after`/`has_more`/`last_id`, Anthropic's `after_id`.
public enum Pagination {
    /// Calls `fetch` with nil, then with each cursor it returns, until it returns none; the
    /// items of every page in order. A cursor seen before, or more than `maxPages` pages, is an
    /// error rather than an endless loop (a provider bug must not hang a sync).
    public static func collect<Item: Sendable>(maxPages: Int = 100_000, label: String,
                                               _ fetch: (String?) async throws -> (items: [Item], next: String?)) async throws -> [Item] {
        var items: [Item] = []
        var cursor: String?
        var seen: Set<String> = []
        var pages = 0
        repeat {
            let page = try await fetch(cursor)
            items.append(contentsOf: page.items)
            pages += 1
            cursor = page.next.flatMap { $0.isEmpty ? nil : $0 }
            if let next = cursor {
                guard seen.insert(next).inserted else { throw ConnectorError.malformedResponse("\(label): the provider returned cursor \(next.prefix(40)) twice") }
                guard pages < maxPages else { throw ConnectorError.malformedResponse("\(label): more than \(maxPages) pages") }
            }
        } while cursor != nil
        return items
    }

    /// The `rel="next"` URL of an RFC 8288 `Link` header (GitHub), or nil.
    public static func nextLink(_ header: String?) -> String? {
        guard let header else { return nil }
        for part in header.split(separator: ",") {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let target = pieces.first, target.hasPrefix("<"), target.hasSuffix(">") else { continue }
            let relations = pieces.dropFirst().filter { $0.lowercased().hasPrefix("rel=") }
                .flatMap { $0.dropFirst(4).trimmingCharacters(in: CharacterSet(charactersIn: "\"")).split(separator: " ") }
            if relations.contains("next") { return String(target.dropFirst().dropLast()) }
        }
        return nil
    }
}

import Foundation
