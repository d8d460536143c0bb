/// The governance finding a leaked keyward key raises (OWASP NHI2, Secret Leakage).
///
/// Its id is the usual fingerprint of rule and subject, so one key has one leak finding however
/// often it is reported; a later report rewrites the message with the latest place it was seen.
public enum LeakFinding {
    public static let rule = "leaked-key"
    /// NHI2 Secret Leakage; CSF 2.0 DE.CM-09 (software and its data are monitored: the leak was
    /// detected) and RS.MI-01 (incidents are contained: the key is revoked).
    public static let frameworks: [FrameworkReference] = [.nhi(2), .csf("DE.CM-09"), .csf("RS.MI-01")]

    public static func make(key: KeyRecord, sighting: LeakSighting, reporter: LeakReporter, revoked: Bool, now: Timestamp) -> Finding {
        let place = sighting.url.isEmpty ? "an undisclosed place" : sighting.url
        let kind = sighting.source.isEmpty ? "" : " (\(sighting.source))"
        let message = "keyward key \(key.redacted) \"\(key.name)\" was reported exposed by \(reporter.name) at \(place)\(kind) on \(now.iso8601); "
            + (revoked ? "it was revoked at once." : "it is still live: the leak policy only reports.")
        let remediation = (revoked ? "" : "Revoke the key now (keyward keys revoke \(key.id)). ")
            + "Issue a replacement for its callers, remove the key from \(place) and from history, "
            + "and check the audit log and usage for calls made with it after it leaked."
        return Finding(
            rule: rule, severity: .critical,
            subject: FindingSubject(kind: .key, id: key.id.description, provider: .keyward, externalID: nil, owner: key.owner),
            message: message, remediation: remediation, frameworks: frameworks, openedAt: now
        )
    }
}
