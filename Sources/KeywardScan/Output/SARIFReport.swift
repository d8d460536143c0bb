/// `--format sarif`: SARIF 2.1.0 as GitHub code scanning reads it.
///
/// One rule descriptor per rule that has results, with `security-severity` (GitHub's severity
/// scale) and `precision`; one result per finding with a region in Unicode code points and a
/// `partialFingerprints` entry, so that code scanning tracks an alert across line moves.
enum SARIFReport {
    static let schema = "https://json.schemastore.org/sarif-2.1.0.json"
    static let informationURI = "https://github.com/keyward/keyward"

    static func document(_ findings: [SecretFinding], rules: RuleSet, toolVersion: String) -> JSONDocument {
        var ruleIndex: [String: Int] = [:]
        var descriptors: [JSONDocument] = []
        for finding in findings where ruleIndex[finding.ruleID] == nil {
            ruleIndex[finding.ruleID] = descriptors.count
            descriptors.append(descriptor(finding, rules.rule(id: finding.ruleID)))
        }
        let results = findings.map { finding in result(finding, index: ruleIndex[finding.ruleID]!) }
        return .object([
            ("$schema", .string(schema)),
            ("version", .string("2.1.0")),
            ("runs", .array([.object([
                ("tool", .object([("driver", .object([
                    ("name", .string("keyward")),
                    ("informationUri", .string(informationURI)),
                    ("semanticVersion", .string(toolVersion)),
                    ("rules", .array(descriptors)),
                ]))])),
                ("columnKind", .string("unicodeCodePoints")),
                ("results", .array(results)),
            ])])),
        ])
    }

    private static func descriptor(_ finding: SecretFinding, _ rule: CompiledRule?) -> JSONDocument {
        let description = rule?.definition.description ?? finding.ruleDescription
        return .object([
            ("id", .string(finding.ruleID)),
            ("name", .string(camelCase(finding.ruleID))),
            ("shortDescription", .object([("text", .string(description))])),
            ("fullDescription", .object([("text", .string("\(description). Revoke or rotate the secret, then remove it from the code and its history."))])),
            ("defaultConfiguration", .object([("level", .string(level(finding.severity)))])),
            ("properties", .object([
                ("tags", .array(["security", "secret", "external/cwe/cwe-798"].map(JSONDocument.string))),
                ("security-severity", .string(securitySeverity(finding.severity))),
                ("precision", .string(precision(rule?.baseConfidence ?? finding.confidence))),
            ])),
        ])
    }

    private static func result(_ finding: SecretFinding, index: Int) -> JSONDocument {
        var message = "\(finding.ruleDescription): \(finding.secretRedacted)"
        if let context = finding.context { message += " in \(context)" }
        if let status = finding.inventory?.status { message += " (inventory status: \(status.rawValue))" }
        var properties: [(String, JSONDocument)] = [("confidence", .string(finding.confidence.rawValue))]
        if let commit = finding.commit {
            properties += [("commit", .string(commit.id)), ("author", .string(commit.author)), ("date", .string(commit.date))]
        }
        if let inventory = finding.inventory {
            properties += [("inventory_key_id", .optional(inventory.entry?.description)), ("status", .string(inventory.status.rawValue))]
        }
        return .object([
            ("ruleId", .string(finding.ruleID)),
            ("ruleIndex", .integer(index)),
            ("level", .string(level(finding.severity))),
            ("message", .object([("text", .string(message))])),
            ("locations", .array([.object([("physicalLocation", .object([
                ("artifactLocation", .object([("uri", .string(uri(finding.file)))])),
                ("region", .object([
                    ("startLine", .integer(finding.line)),
                    ("startColumn", .integer(finding.column)),
                    ("endLine", .integer(finding.endLine)),
                    ("endColumn", .integer(max(finding.endColumn, finding.column + 1))),
                ])),
            ]))])])),
            ("partialFingerprints", .object([("keyward/v1", .string(finding.fingerprint))])),
            ("properties", .object(properties)),
        ])
    }

    static func level(_ severity: Severity) -> String {
        switch severity {
        case .critical, .high: "error"
        case .medium: "warning"
        case .low: "note"
        }
    }

    /// GitHub maps 9.0+ to critical, 7.0+ to high, 4.0+ to medium.
    static func securitySeverity(_ severity: Severity) -> String {
        switch severity {
        case .critical: "9.5"
        case .high: "8.0"
        case .medium: "5.5"
        case .low: "3.0"
        }
    }

    static func precision(_ confidence: Confidence) -> String {
        switch confidence {
        case .high: "very-high"
        case .medium: "high"
        case .low: "medium"
        }
    }

    static func camelCase(_ id: String) -> String {
        id.split(whereSeparator: { $0 == "-" || $0 == "_" || $0 == "." }).map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    /// A relative path as a relative URI reference; an absolute one as a `file://` URI.
    static func uri(_ path: String) -> String {
        let unreserved = ByteSet.alphanumerics.union(ByteSet(Array("-._~/".utf8)))
        var encoded = ""
        for byte in path.utf8 {
            if unreserved.contains(byte) {
                encoded.unicodeScalars.append(UnicodeScalar(byte))
            } else {
                encoded += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return path.hasPrefix("/") ? "file://" + encoded : encoded
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
