import Foundation
import KeywardAPI
import KeywardCore

/// Printing for commands: JSON for scripts, aligned tables and key-value blocks for people.
enum Output {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func json(_ value: some Encodable) throws {
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    static func error(_ message: String) {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    }

    static func note(_ message: String) {
        FileHandle.standardError.write(Data("\(message)\n".utf8))
    }

    /// Columns padded to their widest cell; the last column is not padded.
    static func table(_ header: [String], _ rows: [[String]]) {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        for row in all {
            let cells = row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }
            print(cells.joined(separator: "  "))
        }
    }

    static func fields(_ pairs: [(String, String)]) {
        let width = pairs.map(\.0.count).max() ?? 0
        for (name, value) in pairs {
            print("\(name.padding(toLength: width, withPad: " ", startingAt: 0))  \(value)")
        }
    }

    static func keyFields(_ key: KeyObject) -> [(String, String)] {
        var pairs: [(String, String)] = [
            ("id", key.id), ("name", key.name), ("owner", key.owner), ("key", "\(key.prefix)_\(key.environment)_\(key.start)…"),
            ("status", key.status.rawValue), ("environment", key.environment),
            ("scopes", key.scopes.isEmpty ? "-" : key.scopes.joined(separator: " ")),
            ("created", key.createdAt.iso8601), ("expires", key.expiresAt?.iso8601 ?? "never"),
            ("last used", key.lastUsedAt?.iso8601 ?? "never"), ("uses", String(key.useCount)),
        ]
        if let revokedAt = key.revokedAt { pairs.append(("revoked", revokedAt.iso8601 + (key.revokeReason.map { " (\($0))" } ?? ""))) }
        if let from = key.rotatedFrom { pairs.append(("rotated from", from)) }
        if let to = key.rotatedTo { pairs.append(("rotated to", to)) }
        if let limit = key.rateLimit { pairs.append(("rate limit", "\(limit.limit) per \(limit.windowSeconds)s")) }
        if !key.allowedCIDRs.isEmpty { pairs.append(("allowed from", key.allowedCIDRs.map(\.description).joined(separator: " "))) }
        if !key.meta.isEmpty { pairs.append(("meta", JSONValue.object(key.meta).canonicalJSON)) }
        return pairs
    }

    static func keyRows(_ keys: [KeyObject]) {
        table(
            ["ID", "NAME", "OWNER", "ENV", "STATUS", "KEY", "EXPIRES", "LAST USED"],
            keys.map { key in
                [key.id, key.name, key.owner, key.environment, key.status.rawValue, "\(key.prefix)_\(key.environment)_\(key.start)…",
                 key.expiresAt?.iso8601 ?? "never", key.lastUsedAt?.iso8601 ?? "never"]
            }
        )
    }
}
