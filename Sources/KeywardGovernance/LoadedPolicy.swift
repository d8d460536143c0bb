import Foundation
import KeywardCore
import KeywardPolicy

/// A policy as a node runs it: the parsed rules plus where they came from and the digest of
/// the text, so an audit event and `GET /v1/policy` can say exactly which policy was in force.
public struct LoadedPolicy: Sendable {
    public var policy: Policy
    /// The file it was read from, or ``DefaultPolicy/fileName`` for the built-in default.
    public var file: String
    public var yaml: String
    /// SHA-256 (hex) of the YAML text.
    public var sha256: String
    public var isDefault: Bool

    public init(policy: Policy, file: String, yaml: String, isDefault: Bool = false) {
        self.policy = policy
        self.file = file
        self.yaml = yaml
        self.sha256 = StableIdentifier.sha256Hex(Array(yaml.utf8))
        self.isDefault = isDefault
    }

    /// The built-in default policy (CIS AWS Foundations 2.11/2.12, CIS Controls 5.5).
    public static var builtIn: LoadedPolicy {
        LoadedPolicy(policy: DefaultPolicy.load(), file: DefaultPolicy.fileName, yaml: DefaultPolicy.yaml, isDefault: true)
    }

    /// Reads and validates a policy file; throws ``KeywardPolicy/PolicyError`` naming file, line
    /// and field, and returns nothing for a file with any error.
    public static func load(file path: String) throws -> LoadedPolicy {
        try parse(try PolicyLoader.text(ofFile: path), file: path)
    }

    public static func parse(_ text: String, file: String) throws -> LoadedPolicy {
        LoadedPolicy(policy: try PolicyLoader.parse(text, file: file), file: file, yaml: text)
    }

    /// The review interval the report measures coverage against: the policy's first
    /// `review_interval` rule, else the CIS Controls 5.5 quarter.
    public var reviewIntervalDays: Int64 {
        for rule in policy.rules {
            if case .reviewInterval(let days) = rule.check { return days }
        }
        return 90
    }
}
