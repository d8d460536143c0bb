import Foundation
import KeywardAPI
import KeywardCore
import Testing

/// The JSON of the API objects whose every field is always present (`null` when unknown), byte
/// for byte as the server writes it (sorted keys, slashes unescaped): each case decodes a document
/// and encodes it again. A sparse document (optional fields left out) must come back with those
/// fields as `null`; a full one must come back unchanged.
@Suite("API object JSON")
struct APIObjectJSONTests {
    static let fullCases: [(String, String)] = [
        ("Finding", finding),
        ("FindingSubject", subject),
        ("WebhookSubscription", #"""
            {"after_seq":7,"created_at":"2026-01-02T03:04:05Z","created_by":"key_1","description":"d","events":["key.created"],\#
            "id":"whk_1","owner":"pay","paused":true,"updated_at":"2026-01-02T03:04:05Z","url":"https://example.com/hook"}
            """#),
        ("KeyObject", key),
        ("IssuedKeyObject", #"""
            {"allowed_cidrs":[],"created_at":"2026-01-02T03:04:05Z","environment":"live","expires_at":"2026-02-02T03:04:05Z","id":"key_1",\#
            "key":"kw_live_x","last_used_at":"2026-01-05T03:04:05Z","meta":{},"name":"n","owner":"o","prefix":"kw","rate_limit":null,\#
            "replaces":{"expires_at":"2026-01-03T03:04:05Z","id":"key_0","status":"rotating"},"revoke_reason":null,"revoked_at":null,\#
            "rotated_from":null,"rotated_to":"key_2","scopes":[],"start":"AbCd","status":"active","updated_at":"2026-01-02T03:04:05Z","use_count":0}
            """#),
        ("KeyListObject", #"{"keys":[\#(key)],"next_cursor":"c1"}"#),
        ("FindingListObject", #"{"evaluated_at":"2026-01-04T00:00:00Z","findings":[\#(finding)],"next_cursor":"c1"}"#),
        ("FindingHistoryObject", #"{"actor":"policy","at":"2026-01-02T03:04:05Z","from":"open","reason":"gone","to":"resolved"}"#),
        ("ImportRejectionObject", #"{"field":"f","file":"a.csv","line":3,"reason":"bad"}"#),
        ("InventoryEntryObject", #"""
            {"account":"123","attributes":{"a":"b"},"created_at":"2026-01-02T03:04:05Z","disappeared_at":"2026-01-09T03:04:05Z",\#
            "environments":["prod"],"expires_at":"2026-03-02T03:04:05Z","external_id":"AKIA1","first_seen_at":"2026-01-02T03:04:05Z","id":"inv_1",\#
            "identity":"svc","kind":"access_key","last_rotated_at":"2026-01-02T03:04:05Z","last_seen_at":"2026-01-08T03:04:05Z",\#
            "last_used_at":"2026-01-07T03:04:05Z","last_used_region":"eu-west-1","last_used_service":"s3","name":"n","natural_key":"aws:AKIA1",\#
            "owner":"pay","provider":"aws","purpose":"p","reviewed_at":"2026-01-04T03:04:05Z","scopes":["*"],"source":"import",\#
            "sources":["report.csv"],"status":"active","system":"billing","tags":{"t":"v"}}
            """#),
        ("ReviewSummaryObject", #"""
            {"closed_at":"2026-01-09T03:04:05Z","due_at":"2026-01-08T03:04:05Z","id":"rev_1","kept":1,"name":"q1","overdue":false,\#
            "revocations_pending":0,"revoked":1,"scope":"all live credentials","started_at":"2026-01-02T03:04:05Z","started_by":"key_1",\#
            "status":"closed","total":2,"unanswered":0}
            """#),
        ("CallerObject", caller),
        ("RotationUsageObject", rotation),
        ("KeyUsageObject", #"""
            {"buckets":[{"counts":{"VALID":4},"hour":"2026-01-02T03:00:00Z","total":4}],"caller_overflow":0,"callers":[\#(caller)],\#
            "from":"2026-01-01T03:00:00Z","hours":24,"key_id":"key_1","monitoring":true,"more_callers":0,"rotation":\#(rotation),\#
            "status":"rotating","to":"2026-01-02T03:00:00Z","totals":{"VALID":4}}
            """#),
        ("BlastRadiusObject", #"""
            {"callers":[\#(caller)],"commands":{"offboard_owner":"keyward owners offboard o","revoke_key":"keyward keys revoke key_1"},\#
            "days":30,"key":\#(key),"more_callers":0,"open_findings":[\#(finding)],\#
            "owner":{"departed_at":"2026-01-05T03:04:05Z","handle":"o","other_live_keys":2,"registered":true,"status":"departed"},\#
            "rotation":\#(rotation),"valid_verifications":3,"verifications":4}
            """#),
        ("WebhookDeliveryList", #"{"deliveries":[],"next_cursor":"c1"}"#),
    ]

    static let sparseCases: [(String, String, String)] = [
        ("Finding", #"""
            {"frameworks":[],"id":"fnd_1","message":"m","opened_at":"2026-01-02T03:04:05Z","remediation":"r","rule":"stale",\#
            "severity":"high","state":"open","subject":{"id":"key_1","kind":"key","provider":"keyward"}}
            """#,
         #"""
            {"exception":null,"frameworks":[],"id":"fnd_1","message":"m","opened_at":"2026-01-02T03:04:05Z","remediation":"r","resolved_at":null,\#
            "rule":"stale","severity":"high","state":"open","subject":{"external_id":null,"id":"key_1","identity":null,"kind":"key","owner":null,"provider":"keyward"}}
            """#),
        ("WebhookSubscription", #"""
            {"after_seq":7,"created_at":"2026-01-02T03:04:05Z","created_by":"key_1","events":["key.created"],\#
            "id":"whk_1","paused":false,"updated_at":"2026-01-02T03:04:05Z","url":"https://example.com/hook"}
            """#,
         #"""
            {"after_seq":7,"created_at":"2026-01-02T03:04:05Z","created_by":"key_1","description":null,"events":["key.created"],\#
            "id":"whk_1","owner":null,"paused":false,"updated_at":"2026-01-02T03:04:05Z","url":"https://example.com/hook"}
            """#),
        ("KeyObject", #"""
            {"allowed_cidrs":[],"created_at":"2026-01-02T03:04:05Z","environment":"live","id":"key_1","meta":{},"name":"n","owner":"o",\#
            "prefix":"kw","scopes":[],"start":"AbCd","status":"active","updated_at":"2026-01-02T03:04:05Z","use_count":0}
            """#,
         #"""
            {"allowed_cidrs":[],"created_at":"2026-01-02T03:04:05Z","environment":"live","expires_at":null,"id":"key_1","last_used_at":null,"meta":{},\#
            "name":"n","owner":"o","prefix":"kw","rate_limit":null,"revoke_reason":null,"revoked_at":null,"rotated_from":null,"rotated_to":null,\#
            "scopes":[],"start":"AbCd","status":"active","updated_at":"2026-01-02T03:04:05Z","use_count":0}
            """#),
        ("IssuedKeyObject", #"""
            {"allowed_cidrs":[],"created_at":"2026-01-02T03:04:05Z","environment":"live","id":"key_1","key":"kw_live_x","meta":{},\#
            "name":"n","owner":"o","prefix":"kw","replaces":{"id":"key_0","status":"expired"},"scopes":[],"start":"AbCd","status":"active",\#
            "updated_at":"2026-01-02T03:04:05Z","use_count":0}
            """#,
         #"""
            {"allowed_cidrs":[],"created_at":"2026-01-02T03:04:05Z","environment":"live","expires_at":null,"id":"key_1","key":"kw_live_x",\#
            "last_used_at":null,"meta":{},"name":"n","owner":"o","prefix":"kw","rate_limit":null,"replaces":{"expires_at":null,"id":"key_0","status":"expired"},\#
            "revoke_reason":null,"revoked_at":null,"rotated_from":null,"rotated_to":null,"scopes":[],"start":"AbCd","status":"active",\#
            "updated_at":"2026-01-02T03:04:05Z","use_count":0}
            """#),
        ("KeyListObject", #"{"keys":[]}"#, #"{"keys":[],"next_cursor":null}"#),
        ("FindingListObject", #"{"findings":[]}"#, #"{"evaluated_at":null,"findings":[],"next_cursor":null}"#),
        ("FindingHistoryObject", #"{"actor":"policy","at":"2026-01-02T03:04:05Z","reason":"new","to":"open"}"#,
         #"{"actor":"policy","at":"2026-01-02T03:04:05Z","from":null,"reason":"new","to":"open"}"#),
        ("ImportRejectionObject", #"{"file":"a.csv","line":3,"reason":"bad"}"#, #"{"field":null,"file":"a.csv","line":3,"reason":"bad"}"#),
        ("InventoryEntryObject", #"""
            {"attributes":{},"environments":[],"id":"key_1","kind":"api_key","provider":"keyward","scopes":[],"source":"keyward",\#
            "sources":[],"status":"active","tags":{}}
            """#,
         #"""
            {"account":null,"attributes":{},"created_at":null,"disappeared_at":null,"environments":[],"expires_at":null,"external_id":null,\#
            "first_seen_at":null,"id":"key_1","identity":null,"kind":"api_key","last_rotated_at":null,"last_seen_at":null,"last_used_at":null,\#
            "last_used_region":null,"last_used_service":null,"name":null,"natural_key":null,"owner":null,"provider":"keyward","purpose":null,\#
            "reviewed_at":null,"scopes":[],"source":"keyward","sources":[],"status":"active","system":null,"tags":{}}
            """#),
        ("InventoryListObject", #"{"items":[]}"#, #"{"items":[],"next_cursor":null}"#),
        ("ReviewSummaryObject", #"""
            {"due_at":"2026-01-08T03:04:05Z","id":"rev_1","kept":0,"name":"q1","overdue":true,"revocations_pending":0,"revoked":0,\#
            "scope":"all","started_at":"2026-01-02T03:04:05Z","started_by":"key_1","status":"open","total":1,"unanswered":1}
            """#,
         #"""
            {"closed_at":null,"due_at":"2026-01-08T03:04:05Z","id":"rev_1","kept":0,"name":"q1","overdue":true,"revocations_pending":0,"revoked":0,\#
            "scope":"all","started_at":"2026-01-02T03:04:05Z","started_by":"key_1","status":"open","total":1,"unanswered":1}
            """#),
        ("CallerObject", #"{"count":1,"first_seen":"2026-01-02T03:04:05Z","id":"cal_1","last_seen":"2026-01-02T03:04:05Z","valid_count":1}"#,
         #"""
            {"address":null,"count":1,"environment":null,"first_seen":"2026-01-02T03:04:05Z","id":"cal_1","label":null,\#
            "last_seen":"2026-01-02T03:04:05Z","network":null,"user_agent":null,"valid_count":1}
            """#),
        ("RotationUsageObject", #"""
            {"advice":"a","end_command":"e","new_key_id":"key_2","not_yet_switched":[],"old_key_id":"key_1",\#
            "old_key_status":"expired","quiet_seconds":60,"safe_to_end":true,"started_at":"2026-01-02T03:04:05Z","switched":[]}
            """#,
         #"""
            {"advice":"a","end_command":"e","grace_ends_at":null,"last_old_key_use":null,"new_key_id":"key_2","not_yet_switched":[],\#
            "old_key_id":"key_1","old_key_status":"expired","quiet_seconds":60,"safe_at":null,"safe_to_end":true,\#
            "started_at":"2026-01-02T03:04:05Z","switched":[]}
            """#),
        ("KeyUsageObject", #"""
            {"buckets":[],"caller_overflow":0,"callers":[],"from":"2026-01-01T03:00:00Z","hours":24,"key_id":"key_1",\#
            "monitoring":true,"more_callers":0,"status":"active","to":"2026-01-02T03:00:00Z","totals":{}}
            """#,
         #"""
            {"buckets":[],"caller_overflow":0,"callers":[],"from":"2026-01-01T03:00:00Z","hours":24,"key_id":"key_1",\#
            "monitoring":true,"more_callers":0,"rotation":null,"status":"active","to":"2026-01-02T03:00:00Z","totals":{}}
            """#),
        ("BlastRadiusObject", #"""
            {"callers":[],"commands":{"offboard_owner":"x","revoke_key":"y"},"days":30,"key":\#(key),"more_callers":0,\#
            "open_findings":[],"owner":{"handle":"o","other_live_keys":0,"registered":false},"valid_verifications":0,"verifications":0}
            """#,
         #"""
            {"callers":[],"commands":{"offboard_owner":"x","revoke_key":"y"},"days":30,"key":\#(key),"more_callers":0,\#
            "open_findings":[],"owner":{"departed_at":null,"handle":"o","other_live_keys":0,"registered":false,"status":null},\#
            "rotation":null,"valid_verifications":0,"verifications":0}
            """#),
        ("WebhookDeliveryList", #"{"deliveries":[]}"#, #"{"deliveries":[],"next_cursor":null}"#),
    ]

    static func roundTrip<T: Codable>(_ type: T.Type, _ json: String) throws -> String {
        let value = try JSONDecoder().decode(T.self, from: Data(json.utf8))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static let subject = #"{"external_id":"AKIA1","id":"inv_1","identity":"svc","kind":"external_key","owner":"pay","provider":"aws"}"#
    static let finding = #"""
            {"exception":"exc-1","frameworks":["OWASP-NHI-2025:NHI7"],"id":"fnd_1","message":"m","opened_at":"2026-01-02T03:04:05Z",\#
            "remediation":"r","resolved_at":"2026-01-03T03:04:05Z","rule":"stale","severity":"high","state":"resolved","subject":\#(subject)}
            """#
    static let key = #"""
            {"allowed_cidrs":["10.0.0.0/8"],"created_at":"2026-01-02T03:04:05Z","environment":"live","expires_at":"2026-02-02T03:04:05Z",\#
            "id":"key_1","last_used_at":"2026-01-05T03:04:05Z","meta":{"team":"a"},"name":"n","owner":"o","prefix":"kw","rate_limit":{"limit":5,"window_seconds":60},\#
            "revoke_reason":"why","revoked_at":"2026-01-06T03:04:05Z","rotated_from":"key_0","rotated_to":"key_2","scopes":["a:read"],"start":"AbCd",\#
            "status":"revoked","updated_at":"2026-01-06T03:04:05Z","use_count":3}
            """#
    static let caller = #"""
            {"address":"10.1.2.3","count":4,"environment":"live","first_seen":"2026-01-02T03:04:05Z","id":"cal_1","label":"billing",\#
            "last_seen":"2026-01-02T04:04:05Z","network":"10.1.2.0/24","user_agent":"curl","valid_count":3}
            """#
    static let rotation = #"""
            {"advice":"wait","end_command":"keyward keys revoke key_1","grace_ends_at":"2026-01-03T03:04:05Z",\#
            "last_old_key_use":"2026-01-02T05:04:05Z","new_key_id":"key_2","not_yet_switched":[\#(caller)],"old_key_id":"key_1",\#
            "old_key_status":"rotating","quiet_seconds":3600,"safe_at":"2026-01-02T06:04:05Z","safe_to_end":false,\#
            "started_at":"2026-01-02T03:04:05Z","switched":[]}
            """#

    @Test("full documents come back unchanged", arguments: fullCases)
    func full(type: String, json: String) throws {
        #expect(try Self.roundTrip(type, json) == json)
    }

    @Test("absent optionals are written as null", arguments: sparseCases)
    func sparse(type: String, json: String, expected: String) throws {
        #expect(try Self.roundTrip(type, json) == expected)
    }

    static func roundTrip(_ type: String, _ json: String) throws -> String {
        switch type {
        case "Finding": try roundTrip(Finding.self, json)
        case "FindingSubject": try roundTrip(FindingSubject.self, json)
        case "WebhookSubscription": try roundTrip(WebhookSubscription.self, json)
        case "KeyObject": try roundTrip(KeyObject.self, json)
        case "IssuedKeyObject": try roundTrip(IssuedKeyObject.self, json)
        case "KeyListObject": try roundTrip(KeyListObject.self, json)
        case "FindingListObject": try roundTrip(FindingListObject.self, json)
        case "FindingHistoryObject": try roundTrip(FindingHistoryObject.self, json)
        case "ImportRejectionObject": try roundTrip(ImportRejectionObject.self, json)
        case "InventoryEntryObject": try roundTrip(InventoryEntryObject.self, json)
        case "InventoryListObject": try roundTrip(InventoryListObject.self, json)
        case "ReviewSummaryObject": try roundTrip(ReviewSummaryObject.self, json)
        case "CallerObject": try roundTrip(CallerObject.self, json)
        case "RotationUsageObject": try roundTrip(RotationUsageObject.self, json)
        case "KeyUsageObject": try roundTrip(KeyUsageObject.self, json)
        case "BlastRadiusObject": try roundTrip(BlastRadiusObject.self, json)
        case "WebhookDeliveryList": try roundTrip(WebhookDeliveryList.self, json)
        default: throw KeywardError.invalidArgument("no case for \(type)")
        }
    }
}
