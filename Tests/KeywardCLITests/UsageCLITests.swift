import Foundation
import Testing

/// `keyward keys usage`, `keys rotation-status` and `drill tabletop` against a real server.
@Suite("keyward usage commands", .serialized, .timeLimit(.minutes(3)))
struct UsageCLITests {
    /// Runs `arguments` until `done` holds for its result, for at most 20 s (usage reaches the
    /// store on the server's next flush, one second at most).
    func poll(_ arguments: [String], environment: [String: String], until done: (CommandResult) -> Bool) throws -> CommandResult {
        let deadline = Date().addingTimeInterval(20)
        var result = try keyward(arguments, environment: environment)
        while !done(result), Date() < deadline {
            Thread.sleep(forTimeInterval: 0.2)
            result = try keyward(arguments, environment: environment)
        }
        return result
    }

    @Test("a rotation's unswitched callers, when the grace can end, usage tables and the tabletop blast radius")
    func rotationAndTabletop() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try ServerProcess(database: directory.appendingPathComponent("keyward.db").path)
        let admin = try #require(server.bootstrapKey)
        let env = ["KEYWARD_ADDR": server.address, "KEYWARD_TOKEN": admin]

        let created = try keyward(["keys", "create", "--name", "billing", "--owner", "alice", "--scope", "billing:read", "--json"], environment: env)
        let old = try #require(created.object["id"] as? String)
        let oldKey = try #require(created.object["key"] as? String)
        let rotated = try keyward(["keys", "rotate", old, "--grace", "1d", "--json"], environment: env)
        let new = try #require(rotated.object["id"] as? String)
        let newKey = try #require(rotated.object["key"] as? String)
        #expect(try keyward(["verify", oldKey, "--ip", "10.0.0.7", "--caller", "legacy-worker"], environment: env).status == 0)
        #expect(try keyward(["verify", newKey, "--ip", "10.0.0.8", "--caller", "billing-api", "--env", "live"], environment: env).status == 0)

        // Not safe yet: the old key was used a moment ago (default quiet period one hour). Exit 1.
        let waiting = try poll(["keys", "rotation-status", old, "--json"], environment: env) { result in
            ((result.object["not_yet_switched"] as? [[String: Any]]) ?? []).count == 1
        }
        #expect(waiting.status == 1, "\(waiting.stderr)")
        #expect((waiting.object["not_yet_switched"] as? [[String: Any]])?.first?["label"] as? String == "legacy-worker")
        #expect(waiting.object["safe_to_end"] as? Bool == false)
        let readable = try keyward(["keys", "rotation-status", new], environment: env)
        #expect(readable.status == 1)
        #expect(readable.stdout.contains("not yet switched"))
        #expect(readable.stdout.contains("legacy-worker"))
        #expect(readable.stdout.contains("keyward keys revoke \(old) --reason \"rotated to \(new)\""))
        // With no quiet period asked for, it is safe now: exit 0.
        let safe = try keyward(["keys", "rotation-status", old, "--quiet", "0"], environment: env)
        #expect(safe.status == 0, "\(safe.stdout)\(safe.stderr)")
        #expect(safe.stdout.contains("end the grace now with:"))

        let usage = try keyward(["keys", "usage", new], environment: env)
        #expect(usage.status == 0)
        #expect(usage.stdout.contains("VALID 1"))
        #expect(usage.stdout.contains("billing-api"))
        #expect(usage.stdout.contains("10.0.0.0/24"))
        let usageJSON = try keyward(["keys", "usage", new, "--hours", "48", "--json"], environment: env)
        #expect(usageJSON.object["hours"] as? Int == 48)
        #expect(try keyward(["keys", "usage", new, "--hours", "0"], environment: env).status == 2)

        let tabletop = try keyward(["drill", "tabletop", new], environment: env)
        #expect(tabletop.status == 0, "\(tabletop.stderr)")
        for expected in ["nothing is revoked", "billing:read", "alice (not in the owner registry)", "billing-api", "rotation in progress",
                         "keyward keys revoke \(new)", "keyward owners offboard alice"] {
            #expect(tabletop.stdout.contains(expected), "\(expected)")
        }
        let tabletopJSON = try keyward(["drill", "tabletop", new, "--json"], environment: env)
        #expect((tabletopJSON.object["commands"] as? [String: Any])?["offboard_owner"] as? String == "keyward owners offboard alice --reason \"…\"")
        #expect(((tabletopJSON.object["callers"] as? [[String: Any]]) ?? []).count == 1)
        // Nothing was revoked.
        #expect(try keyward(["verify", newKey], environment: env).status == 0)

        let plain = try keyward(["keys", "create", "--name", "plain", "--owner", "bob", "--json"], environment: env)
        let plainID = try #require(plain.object["id"] as? String)
        let notRotating = try keyward(["keys", "rotation-status", plainID], environment: env)
        #expect(notRotating.status == 2 && notRotating.stderr.contains("not in a rotation"))
        #expect(try keyward(["drill", "tabletop", "key_0000000000000000000000"], environment: env).status == 2)
        _ = server.stop()
    }
}
