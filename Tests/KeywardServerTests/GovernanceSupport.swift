import Foundation
import Hummingbird
import HummingbirdTesting
import KeywardCore

/// Export files and helpers for the governance route tests.
enum GovernanceFiles {
    static let header = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated"

    /// A credential report of `users` machine users (one active key each, rotated long ago), and
    /// one row with a date in the wrong format on line `users + 2` when `badRow`.
    static func credentialReport(users: Int, badRow: Bool = false) -> [UInt8] {
        var text = header + "\n"
        for index in 0..<users {
            text += "svc-\(index),arn:aws:iam::345678901234:user/svc-\(index),2025-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,"
            text += "true,2025-01-02T00:00:00+00:00,2026-11-20T00:00:00+00:00,eu-north-1,sts,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n"
        }
        if badRow {
            text += "svc-bad,arn:aws:iam::345678901234:user/svc-bad,2025-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,"
            text += "true,01/02/2025,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n"
        }
        return Array(text.utf8)
    }

    static let policy = """
    version: 1
    name: route-policy
    rules:
      - id: aws-rotation
        check: rotation_interval
        threshold: 90d
        severity: high
        select: {provider: aws}
    """
}

extension TestClientProtocol {
    /// Issues a key with `scopes` for `owner` and returns its plaintext (for calling as that owner).
    func credential(_ admin: String, owner: String, scopes: [String]) async throws -> String {
        let body = try JSONSerialization.data(withJSONObject: ["name": "\(owner)-cli", "owner": owner, "scopes": scopes])
        return try await issue(admin, String(decoding: body, as: UTF8.self)).key
    }
}

/// Waits (polling) until `condition` holds or `seconds` pass; for background work whose timing
/// is not under the test's control. Returns whether it held.
func eventually(seconds: Double = 20, _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(50))
    }
    return try await condition()
}
