import Foundation
import Hummingbird

/// An `application/x-www-form-urlencoded` body, as the dashboard's forms post it.
struct DashboardForm: Sendable {
    static let maximumBytes = 16 * 1024
    static let maximumFields = 32

    private(set) var fields: [String: String] = [:]

    init(_ text: String) throws {
        let pairs = text.split(separator: "&", omittingEmptySubsequences: true)
        guard pairs.count <= Self.maximumFields else { throw DashboardError.badRequest("the form has too many fields") }
        for pair in pairs {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]) else { throw DashboardError.badRequest("the form is not correctly encoded") }
            guard let value = parts.count > 1 ? Self.decode(parts[1]) : "" else { throw DashboardError.badRequest("the form is not correctly encoded") }
            fields[name] = value
        }
    }

    static func read(_ request: Request) async throws -> DashboardForm {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maximumBytes)
        } catch {
            throw DashboardError.badRequest("the form is larger than \(maximumBytes) bytes")
        }
        return try DashboardForm(String(buffer: buffer))
    }

    private static func decode(_ text: Substring) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }

    subscript(name: String) -> String? { fields[name] }

    /// A text field, trimmed, nil when empty; longer than `maximumLength` is refused.
    func text(_ name: String, maximumLength: Int = 1024) throws -> String? {
        guard let value = fields[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        guard value.count <= maximumLength else { throw DashboardError.badRequest("\(name) must be at most \(maximumLength) characters") }
        return value
    }
}
