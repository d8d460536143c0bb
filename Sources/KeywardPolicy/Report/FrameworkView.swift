import KeywardCore

/// Per OWASP NHI Top 10 item and per NIST CSF 2.0 subcategory: which checks keyward runs for it
/// and how they currently come out. Items no check covers are listed as `not_covered`, so the
/// gaps are as visible as the failures.
public struct FrameworkView: Sendable, Codable, Equatable {
    public var owaspNHI: [FrameworkItemView]
    public var nistCSF: [FrameworkItemView]

    enum CodingKeys: String, CodingKey { case owaspNHI = "owasp_nhi_2025", nistCSF = "nist_csf_2_0" }
}

public struct FrameworkItemView: Sendable, Codable, Equatable {
    public enum Status: String, Sendable, Codable { case passing, failing, notCovered = "not_covered" }

    public var reference: FrameworkReference
    public var title: String
    public var status: Status
    public var activeFindings: Int
    public var checks: [FrameworkCheckView]

    enum CodingKeys: String, CodingKey { case reference, title, status, activeFindings = "active_findings", checks }
}

/// One check under a framework item: a policy rule (with how many credentials it evaluated) or
/// another source of findings (import checks, scanner, access reviews), known only by its findings.
public struct FrameworkCheckView: Sendable, Codable, Equatable {
    public var rule: String
    public var summary: String
    /// Nil for checks that are not policy rules.
    public var evaluated: Int?
    public var failing: Int
    public var suppressed: Int
}
