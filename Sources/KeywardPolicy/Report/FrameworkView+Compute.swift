import KeywardCore

extension FrameworkView {
    /// What checks outside the policy engine report, for the framework view's wording.
    static let externalCheckSummaries: [String: String] = [
        "aws-root-access-key": "AWS root user holds an active access key (credential report)",
        "aws-root-account-used": "AWS root user used recently (credential report)",
        "aws-machine-user-console-password": "console password on an IAM user that holds access keys (credential report)",
        "gcp-key-exposed": "GCP service-account key Google reports exposed (gcp-keys import)",
        OffboardingPlan.rule: "live external credential of an offboarded owner",
        ReviewCampaign.overdueRule: "access-review answer overdue",
    ]

    init(checks: [CheckResult], findings: [Finding]) {
        func items(_ catalog: [(FrameworkReference, String)]) -> [FrameworkItemView] {
            catalog.map { reference, title in
                FrameworkView.item(reference: reference, title: title, checks: checks, findings: findings)
            }
        }
        self.init(owaspNHI: items(FrameworkCatalog.owaspNHI), nistCSF: items(FrameworkCatalog.nistCSF))
    }

    static func item(reference: FrameworkReference, title: String, checks: [CheckResult], findings: [Finding]) -> FrameworkItemView {
        let policyRules = Set(checks.map(\.rule))
        var views = checks.filter { $0.frameworks.contains(reference) }.map {
            FrameworkCheckView(rule: $0.rule, summary: $0.summary, evaluated: $0.evaluated, failing: $0.failing, suppressed: $0.suppressed)
        }
        let related = findings.filter { $0.frameworks.contains(reference) }
        let otherRules = Set(related.map(\.rule)).subtracting(policyRules).sorted()
        for rule in otherRules {
            let own = related.filter { $0.rule == rule }
            views.append(FrameworkCheckView(
                rule: rule, summary: externalCheckSummaries[rule] ?? "reported by \(rule)", evaluated: nil,
                failing: own.filter { $0.state.isActive }.count, suppressed: own.filter { $0.state == .suppressed }.count))
        }
        let active = related.filter { $0.state.isActive }.count
        let status: FrameworkItemView.Status = views.isEmpty ? .notCovered : (active > 0 ? .failing : .passing)
        return FrameworkItemView(reference: reference, title: title, status: status, activeFindings: active, checks: views)
    }
}
