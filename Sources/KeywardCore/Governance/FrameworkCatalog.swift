/// The titles of the framework items keyward maps its checks to, for the report's framework
/// view. Titles follow the OWASP NHI Top 10 (2025) list and NIST CSWP 29 (CSF 2.0); the view
/// lists every item here, including those no check covers, so gaps are visible.
public enum FrameworkCatalog {
    public static let owaspNHI: [(FrameworkReference, String)] = [
        (.nhi(1), "Improper Offboarding"),
        (.nhi(2), "Secret Leakage"),
        (.nhi(3), "Vulnerable Third-Party NHI"),
        (.nhi(4), "Insecure Authentication"),
        (.nhi(5), "Overprivileged NHI"),
        (.nhi(6), "Insecure Cloud Deployment Configurations"),
        (.nhi(7), "Long-Lived Secrets"),
        (.nhi(8), "Environment Isolation"),
        (.nhi(9), "NHI Reuse"),
        (.nhi(10), "Human Use of NHI"),
    ]

    public static let nistCSF: [(FrameworkReference, String)] = [
        (.csf("ID.AM-02"), "Inventories of software, services, and systems managed by the organization are maintained"),
        (.csf("ID.AM-08"), "Systems, hardware, software, services, and data are managed throughout their life cycles"),
        (.csf("PR.AA-01"), "Identities and credentials for authorized users, services, and hardware are managed by the organization"),
        (.csf("PR.AA-05"), "Access permissions, entitlements, and authorizations are defined in a policy, managed, enforced, and reviewed, and incorporate least privilege and separation of duties"),
        (.csf("DE.CM-03"), "Personnel activity and technology usage are monitored to find potentially adverse events"),
        (.csf("DE.CM-09"), "Computing hardware and software, runtime environments, and their data are monitored to find potentially adverse events"),
        (.csf("RS.MI-01"), "Incidents are contained"),
        (.csf("RS.MI-02"), "Incidents are eradicated"),
        (.csf("ID.IM-02"), "Improvements are identified from security tests and exercises"),
        (.csf("ID.IM-04"), "Incident response plans and other cybersecurity plans that affect operations are established, communicated, maintained, and improved"),
    ]

    /// The title of a known item, for renderers; nil for items outside the two lists above.
    public static func title(of reference: FrameworkReference) -> String? {
        (owaspNHI + nistCSF).first { $0.0 == reference }?.1
    }
}
