import Foundation

/// Findings accepted as known: a later scan with the baseline reports only new ones.
///
/// A baseline stores fingerprints (hashes of rule, path and the secret's SHA-256) with the
/// rule and place for people reading it; never a secret.
public struct Baseline: Sendable, Equatable {
    public var fingerprints: Set<String>

    public init(fingerprints: Set<String>) { self.fingerprints = fingerprints }

    public init(findings: [SecretFinding]) { fingerprints = Set(findings.map(\.fingerprint)) }

    public func filter(_ findings: [SecretFinding]) -> [SecretFinding] {
        findings.filter { !fingerprints.contains($0.fingerprint) }
    }

    /// The baseline file for `findings`.
    public static func document(for findings: [SecretFinding]) -> String {
        var seen = Set<String>()
        let entries = findings.filter { seen.insert($0.fingerprint).inserted }.map { finding in
            JSONDocument.object([
                ("fingerprint", .string(finding.fingerprint)),
                ("rule_id", .string(finding.ruleID)),
                ("file", .string(finding.file)),
                ("line", .integer(finding.line)),
                ("commit", .optional(finding.commit?.id)),
            ])
        }
        return JSONDocument.object([
            ("version", .integer(1)),
            ("tool", .string("keyward")),
            ("findings", .array(entries)),
        ]).rendered()
    }

    /// Reads a baseline file, or a `--format json` or `--format gitleaks` report used as one.
    public static func load(path: String) throws -> Baseline {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw BaselineError("cannot read baseline \(path)")
        }
        let root: Any
        do { root = try JSONSerialization.jsonObject(with: data) } catch {
            throw BaselineError("baseline \(path) is not JSON")
        }
        let entries: [Any]
        if let object = root as? [String: Any], let listed = object["findings"] as? [Any] {
            entries = listed
        } else if let array = root as? [Any] {
            entries = array
        } else {
            throw BaselineError("baseline \(path) has no findings")
        }
        var fingerprints = Set<String>()
        for entry in entries {
            guard let object = entry as? [String: Any] else { continue }
            if let fingerprint = (object["fingerprint"] ?? object["KeywardFingerprint"]) as? String { fingerprints.insert(fingerprint) }
        }
        return Baseline(fingerprints: fingerprints)
    }
}

public struct BaselineError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
