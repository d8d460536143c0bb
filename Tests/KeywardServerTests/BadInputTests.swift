import Foundation
import Hummingbird
import HummingbirdTesting
import KeywardCore
import KeywardServer
import Testing

@Suite("Bad input gets a clear 4xx and the server keeps serving")
struct BadInputTests {
    @Test("issue: malformed JSON, wrong types, missing and unknown fields, bad values", arguments: [
        ("{", "invalid_request", "not valid JSON"),
        ("[]", "invalid_request", "JSON object"),
        ("", "invalid_request", "empty"),
        (#"{"owner":"o"}"#, "invalid_request", "'name'"),
        (#"{"name":5,"owner":"o"}"#, "invalid_request", "'name' must be a string"),
        (#"{"name":"n","owner":"o","scopes":"a"}"#, "invalid_request", "'scopes'"),
        (#"{"name":"n","owner":"o","ttl":60}"#, "invalid_request", "unknown field 'ttl'"),
        (#"{"name":"n","owner":"o","ttl_seconds":-1}"#, "invalid_request", "ttl_seconds must be positive"),
        (#"{"name":"n","owner":"o","ttl_seconds":1.5}"#, "invalid_request", "ttl_seconds"),
        (#"{"name":"n","owner":"o","ttl_seconds":99999999999999999999}"#, "invalid_request", "ttl_seconds"),
        (#"{"name":"n","owner":"o","expires_at":"tomorrow"}"#, "invalid_request", "ISO 8601"),
        (#"{"name":"n","owner":"o","expires_at":"2020-01-01T00:00:00Z"}"#, "invalid_request", "future"),
        (#"{"name":"n","owner":"o","environment":"prod"}"#, "invalid_request", "environment"),
        (#"{"name":"n","owner":"o","allowed_cidrs":["10.0.0.0/99"]}"#, "invalid_request", "allowed_cidrs"),
        (#"{"name":"n","owner":"o","rate_limit":{"limit":0,"window_seconds":1}}"#, "invalid_request", "rate_limit.limit"),
        (#"{"name":"n","owner":"o","meta":[1]}"#, "invalid_request", "meta"),
    ])
    func issueRejects(body: String, code: String, message: String) async throws {
        try await ServerFixture.withRouter { fixture, client in
            let answer = try await client.call(.post, "/v1/keys", token: fixture.admin, json: body)
            #expect(answer.status == .badRequest, "\(answer.text)")
            #expect(answer.errorCode == code)
            #expect(answer.errorMessage.contains(message), "\(answer.errorMessage)")
            #expect(try await client.call(.get, "/healthz", token: nil).status == .ok)
        }
    }

    @Test("verify: bad bodies are 400, overlong and non-UTF-8 keys too; odd but valid JSON works")
    func verifyRejects() async throws {
        try await ServerFixture.withRouter { fixture, client in
            let cases: [([UInt8], String)] = [
                (Array("{".utf8), "not valid JSON"),
                (Array("{}".utf8), "missing field 'key'"),
                (Array(#"{"key":5}"#.utf8), "'key' must be a string"),
                (Array(#"{"key":""}"#.utf8), "must not be empty"),
                (Array(#"{"key":"\#(String(repeating: "a", count: 600))"}"#.utf8), "at most 512 bytes"),
                (Array(#"{"key":""#.utf8) + [0xFF, 0xFE] + Array(#""}"#.utf8), "UTF-8"),
                (Array(#"{"key":"k","required_scopes":"a"}"#.utf8), "required_scopes"),
                (Array(#"{"key":"k","ip":"999.1.1.1"}"#.utf8), "ip"),
                (Array(#"{"key":"k"} trailing"#.utf8), "unexpected data"),
                (Array((String(repeating: "[", count: 100)).utf8), "JSON object"),
                (Array(#"{"key":"k","x":\#(String(repeating: "[", count: 40))}"#.utf8), "too deep"),
            ]
            for (body, message) in cases {
                let answer = try await client.call(.post, "/v1/verify", token: fixture.admin, bytes: body)
                #expect(answer.status == .badRequest, "\(message): \(answer.text)")
                #expect(answer.errorMessage.contains(message), "\(answer.errorMessage)")
            }
            let key = try await client.issue(fixture.admin, #"{"name":"k","owner":"o"}"#).key
            // Escaped characters, unknown members of every type, whitespace: still a normal answer.
            let escaped = key.replacingOccurrences(of: "_", with: "\\u005f")
            let odd = #" { "extra" : {"a":[1,2.5e3,-0,true,false,null,"\u00e9"]}, "key" : "\#(escaped)", "required_scopes" : null } "#
            let answer = try await client.call(.post, "/v1/verify", token: fixture.admin, json: odd)
            #expect(answer.json["code"] as? String == "VALID", "\(answer.text)")
            let foreign = try await client.call(.post, "/v1/verify", token: fixture.admin, json: #"{"key":"kw_live_h\u00e9llo"}"#)
            #expect(foreign.json["code"] as? String == "MALFORMED")
        }
    }

    @Test("oversized bodies are 413, unknown routes and ids 404, bad queries 400")
    func limitsAndUnknowns() async throws {
        try await ServerFixture.withRouter { fixture, client in
            let huge = #"{"name":"n","owner":"o","meta":{"x":""# + String(repeating: "a", count: 70_000) + #""}}"#
            let tooLarge = try await client.call(.post, "/v1/keys", token: fixture.admin, json: huge)
            #expect(tooLarge.status == .contentTooLarge)
            #expect(tooLarge.errorCode == "body_too_large")
            let hugeVerify = try await client.call(.post, "/v1/verify", token: fixture.admin, json: #"{"key":""# + String(repeating: "a", count: 70_000) + #""}"#)
            #expect(hugeVerify.status == .contentTooLarge)
            #expect(try await client.call(.get, "/v1/nothing", token: fixture.admin).errorCode == "not_found")
            #expect(try await client.call(.get, "/v1/keys/key_0000000000000000000000", token: fixture.admin).status == .notFound)
            #expect(try await client.call(.get, "/v1/keys/not-an-id", token: fixture.admin).status == .notFound)
            #expect(try await client.call(.post, "/v1/keys/key_0000000000000000000000/revoke", token: fixture.admin).status == .notFound)
            #expect(try await client.call(.get, "/v1/keys?limit=0", token: fixture.admin).status == .badRequest)
            #expect(try await client.call(.get, "/v1/keys?limit=abc", token: fixture.admin).status == .badRequest)
            #expect(try await client.call(.get, "/v1/keys?status=gone", token: fixture.admin).status == .badRequest)
            #expect(try await client.call(.get, "/v1/keys?cursor=zzz", token: fixture.admin).status == .badRequest)
            #expect(try await client.call(.post, "/v1/keys/key_0000000000000000000000/rotate", token: fixture.admin, json: #"{"grace_seconds":"1"}"#).status == .badRequest)
            let key = try await client.issue(fixture.admin, #"{"name":"k","owner":"o"}"#)
            #expect(try await client.call(.post, "/v1/keys/\(key.id)/rotate", token: fixture.admin, json: #"{"grace_seconds":-1}"#).status == .badRequest)
            #expect(try await client.call(.post, "/v1/keys/\(key.id)/revoke", token: fixture.admin, json: #"{"reason":"\#(String(repeating: "r", count: 600))"}"#).status == .badRequest)
            #expect(try await client.call(.get, "/healthz", token: nil).status == .ok)
        }
    }

    @Test("every JSON route is strict: a trailing comma, a member given twice at any depth, an unknown member are 400 naming it", arguments: [
        // (method, path, body, words the message must contain)
        ("POST", "/v1/keys", #"{"name":"x","owner":"y",}"#, "trailing comma"),
        ("POST", "/v1/keys", #"{"name":"x","owner":"y","scopes":["a",]}"#, "trailing comma"),
        ("POST", "/v1/keys", #"{"name":"x","owner":"y","owner":"z"}"#, "member 'owner' appears twice"),
        ("POST", "/v1/keys", #"{"name":"x","owner":"y","meta":{"team":"a","team":"b"}}"#, "member 'meta.team' appears twice"),
        ("POST", "/v1/keys", #"{"name":"x","owner":"y","meta":{"list":[{"a":1,"a":2}]}}"#, "member 'meta.list[0].a' appears twice"),
        ("POST", "/v1/keys", #"{"name":"x","owner":"y","rate_limit":{"limit":5,"window_seconds":60,"burst":9}}"#, "unknown field 'rate_limit.burst'"),
        ("POST", "/v1/keys", #"{"name":"x","owner":"y"} {"name":"z","owner":"y"}"#, "after the JSON object"),
        ("POST", "/v1/revocations", #"{"owner":"nobody",}"#, "trailing comma"),
        ("POST", "/v1/owners", #"{"handle":"team-x","handle":"team-y"}"#, "member 'handle' appears twice"),
        ("POST", "/v1/reviews", #"{"name":"r",}"#, "trailing comma"),
        ("POST", "/v1/reviews", #"{"name":"r","selector":{"provder":["aws"]}}"#, "unknown field 'selector.provder'"),
        ("POST", "/v1/policy/check", #"{"fail_on":"high",}"#, "trailing comma"),
        ("POST", "/v1/webhooks", #"{"url":"https://example.com/h","events":["key.revoked"],}"#, "trailing comma"),
        ("POST", "/v1/findings/fnd_000000000000000000000000/acknowledge", #"{"note":"n",}"#, "trailing comma"),
    ])
    func strictJSON(method: String, path: String, body: String, message: String) async throws {
        try await ServerFixture.withRouter { fixture, client in
            let answer = try await client.call(HTTPRequest.Method(method)!, path, token: fixture.admin, json: body)
            #expect(answer.status == .badRequest, "\(body): \(answer.text)")
            #expect(answer.errorCode == "invalid_request")
            #expect(answer.errorMessage.contains(message), "\(body): \(answer.errorMessage)")
            let keys = try await client.call(.get, "/v1/keys", token: fixture.admin).json["keys"] as? [Any]
            #expect(keys?.count == 1, "only the bootstrap admin key")
        }
    }
}
