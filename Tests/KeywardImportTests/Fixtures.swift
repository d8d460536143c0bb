import Foundation
import KeywardCore

/// Export files in the exact formats the importers read, written out to temporary files so the
/// tests go through the same file path as `keyward import`.
enum Fixtures {
    static let header = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated"

    /// Root with an active key used recently; a CI user with two keys (one inactive) and a console
    /// password; a deploy user never used; a person without keys.
    static let credentialReport = """
    \(header)
    <root_account>,arn:aws:iam::123456789012:root,2019-03-01T10:00:00+00:00,not_supported,2026-11-20T08:00:00+00:00,not_supported,not_supported,true,true,2020-01-15T12:00:00+00:00,2026-11-25T09:30:00+00:00,us-east-1,iam,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
    ci-pipeline,arn:aws:iam::123456789012:user/ci-pipeline,2021-05-04T08:00:00+00:00,true,2026-10-01T10:00:00+00:00,2021-05-04T08:00:00+00:00,N/A,false,true,2026-02-01T09:15:42+00:00,2026-11-28T23:00:00+00:00,eu-west-1,s3,false,2024-06-01T09:00:00+00:00,2024-09-01T10:00:00+00:00,eu-west-1,ecr,false,N/A,false,N/A
    deploy-bot,arn:aws:iam::123456789012:user/svc/deploy-bot,2023-01-10T08:00:00+00:00,false,N/A,N/A,N/A,false,true,2023-01-10T08:05:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
    alice,arn:aws:iam::123456789012:user/alice,2022-02-02T08:00:00+00:00,true,no_information,2022-02-02T08:00:00+00:00,N/A,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A

    """

    static let accessKeys = """
    {
        "AccessKeyMetadata": [
            {
                "UserName": "ci-pipeline",
                "AccessKeyId": "AKIAIOSFODNN7EXAMPLE",
                "Status": "Active",
                "CreateDate": "2026-02-01T09:15:42+00:00"
            },
            {
                "UserName": "ci-pipeline",
                "AccessKeyId": "AKIAI44QH8DHBEXAMPLE",
                "Status": "Inactive",
                "CreateDate": "2024-06-01T09:00:00+00:00"
            }
        ]
    }
    {
        "AccessKeyMetadata": [
            {
                "UserName": "deploy-bot",
                "AccessKeyId": "AKIAJDEPLOYBOT000001",
                "Status": "Active",
                "CreateDate": "2023-01-10T08:05:00Z"
            }
        ]
    }

    """

    static let gcpKeys = """
    [
      {
        "disabled": false,
        "keyAlgorithm": "KEY_ALG_RSA_2048",
        "keyOrigin": "GOOGLE_PROVIDED",
        "keyType": "USER_MANAGED",
        "name": "projects/shop-prod/serviceAccounts/exporter@shop-prod.iam.gserviceaccount.com/keys/1f2e3d4c5b6a79880796a5b4c3d2e1f0a9b8c7d6",
        "validAfterTime": "2025-03-04T10:11:12Z",
        "validBeforeTime": "9999-12-31T23:59:59Z"
      },
      {
        "disabled": true,
        "disableReason": "SERVICE_ACCOUNT_KEY_DISABLE_REASON_EXPOSED",
        "keyAlgorithm": "KEY_ALG_RSA_2048",
        "keyOrigin": "GOOGLE_PROVIDED",
        "keyType": "USER_MANAGED",
        "name": "projects/shop-prod/serviceAccounts/exporter@shop-prod.iam.gserviceaccount.com/keys/aa11bb22cc33dd44ee55ff6677889900aabbccdd",
        "validAfterTime": "2024-01-01T00:00:00Z",
        "validBeforeTime": "2026-01-01T00:00:00Z"
      },
      {
        "keyAlgorithm": "KEY_ALG_RSA_2048",
        "keyOrigin": "GOOGLE_PROVIDED",
        "keyType": "SYSTEM_MANAGED",
        "name": "projects/shop-prod/serviceAccounts/exporter@shop-prod.iam.gserviceaccount.com/keys/0000000000000000000000000000000000000001",
        "validAfterTime": "2026-11-01T00:00:00Z",
        "validBeforeTime": "2026-11-17T00:00:00Z"
      },
      {
        "keyType": "USER_MANAGED",
        "name": "projects/shop-prod/keys/broken",
        "validAfterTime": "2025-03-04T10:11:12Z"
      }
    ]

    """

    static let secrets = """
    {
        "SecretList": [
            {
                "ARN": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/payments/stripe-AbCdEf",
                "Name": "prod/payments/stripe",
                "Description": "Stripe restricted key for the payment service",
                "RotationEnabled": false,
                "LastChangedDate": "2025-06-01T10:00:00.123000+00:00",
                "LastAccessedDate": "2026-11-28T00:00:00+00:00",
                "Tags": [
                    {"Key": "Owner", "Value": "payments-team"},
                    {"Key": "environment", "Value": "production"}
                ],
                "CreatedDate": "2025-06-01T10:00:00.123000+00:00"
            },
            {
                "ARN": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:staging/db-XyZ123",
                "Name": "staging/db",
                "RotationEnabled": true,
                "RotationRules": {"AutomaticallyAfterDays": 30},
                "LastRotatedDate": 1764000000.5,
                "CreatedDate": 1700000000
            }
        ]
    }

    """

    static let githubPATs = """
    [
      {
        "id": 25381,
        "owner": {"login": "octocat", "id": 1, "type": "User"},
        "repository_selection": "all",
        "repositories_url": "https://api.github.com/organizations/652551/personal-access-tokens/25381/repositories",
        "permissions": {
          "organization": {"members": "read"},
          "repository": {"contents": "write", "metadata": "read"},
          "other": {}
        },
        "access_granted_at": "2025-03-14T19:36:10Z",
        "token_expired": false,
        "token_expires_at": null,
        "token_last_used_at": "2026-11-01T00:00:00Z"
      },
      {
        "id": 25382,
        "owner": {"login": "hubot"},
        "repository_selection": "subset",
        "permissions": {"repository": {"issues": "write"}},
        "access_granted_at": "2024-01-01T00:00:00Z",
        "token_expired": true,
        "token_expires_at": "2024-04-01T00:00:00Z",
        "token_last_used_at": null
      }
    ]

    """

    static let genericCSV = """
    provider,external_id,kind,identity,owner,purpose,environments,scopes,created_at,last_used_at,expires_at,reviewed_at,status,tags
    azure,3f2c9a1e-0000-4000-8000-000000000001,secret,billing-app,finance,"Invoice export, nightly",production;staging,Graph.Read,2025-01-01T00:00:00Z,2026-11-01T00:00:00Z,2027-01-01T00:00:00Z,2026-09-01,active,team=finance;tier=1
    other,sendgrid-key-7,api_key,,,mail,production,mail.send,2024-05-05T00:00:00Z,,,,active,
    mars,x-1,api_key,,,,,,,,,,,
    other,sendgrid-key-8,api_key,,,,,,31/12/2025,,,,active,

    """

    static func write(_ text: String, name: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keyward-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    static func write(bytes: [UInt8], name: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keyward-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    static let now = Timestamp(iso8601: "2026-11-29T12:00:00Z")!
}
