import Foundation
import Hummingbird
import KeywardCore
import KeywardImport
import KeywardPolicy

/// The governance API (issue 4): inventory and imports, findings, owners, reviews, the policy
/// and the posture report. Each group lives in its own file.
enum GovernanceRoutes {
    static func routes(_ node: KeywardNode) -> [APIRoute] {
        InventoryRoutes.routes(node) + FindingRoutes.routes(node) + OwnerRoutes.routes(node) + ReviewRoutes.routes(node)
            + PolicyRoutes.routes(node)
    }

    /// Runs `body`, turning the governance layer's file errors into 400 answers that name file,
    /// line and field (an import that cannot be read, a policy that does not load).
    static func mappingFileErrors<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as ImportError {
            throw APIError(.badRequest, code: "invalid_file", message: error.description)
        } catch let error as PolicyError {
            throw APIError(.badRequest, code: "invalid_policy", message: error.description)
        }
    }
}

extension KeywardRequestContext {
    /// A path parameter, percent-decoded (owner handles such as `alice@example.com`). A key
    /// given there is refused without being repeated (``GivenIdentifier``), before it can reach
    /// a message, a record or an audit event.
    func textParameter(_ name: String, as kind: GivenIdentifier) throws -> String {
        let raw = parameters.get(name) ?? ""
        let text = raw.removingPercentEncoding ?? raw
        guard !text.isEmpty, text.utf8.count <= 256 else { throw APIError.badRequest("path parameter '\(name)' must be 1 to 256 bytes") }
        if let refusal = kind.keyRefusal(text) { throw APIError.badRequest(refusal) }
        return text
    }
}

extension Request {
    /// A comma-separated query parameter of enumeration values (`state=open,acknowledged`).
    func enumList<T: RawRepresentable & CaseIterable>(_ name: String, as type: T.Type) throws -> [T] where T.RawValue == String {
        guard let text = try query(name) else { return [] }
        return try text.split(separator: ",").map { part in
            guard let value = T(rawValue: String(part)) else {
                throw APIError.badRequest("\(name) must be one of \(T.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(part.prefix(40))\"")
            }
            return value
        }
    }

    func enumQuery<T: RawRepresentable & CaseIterable>(_ name: String, as type: T.Type) throws -> T? where T.RawValue == String {
        let values = try enumList(name, as: type)
        guard values.count <= 1 else { throw APIError.badRequest("\(name) takes one value") }
        return values.first
    }
}
