import Foundation
import Testing

/// Issue 14: errors a person can act on, durations as the policy writes them, one reason for a
/// revocation wherever it is made, help that reflows, and a key typed at a prompt without echo.
@Suite("CLI messages", .serialized, .timeLimit(.minutes(3)))
struct CLIMessagesTests {
    @Test("an unreachable server is one line: cannot reach keyward at URL: connection refused")
    func unreachable() throws {
        let result = try keyward(["keys", "list"], environment: ["KEYWARD_ADDR": "http://127.0.0.1:1", "KEYWARD_TOKEN": "x"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("error: cannot reach keyward at http://127.0.0.1:1: connection refused\n"), "\(result.stderr)")
        #expect(!result.stderr.contains("errno"))
    }

    @Test("an unknown command names the nearest one, at any level")
    func unknownCommand() throws {
        let top = try keyward(["key", "list"])
        #expect(top.status == 64)
        #expect(top.stderr.contains("unknown command 'key'") && top.stderr.contains("did you mean keys?"), "\(top.stderr)")
        let nested = try keyward(["keys", "lst"])
        #expect(nested.status == 64)
        #expect(nested.stderr.contains("did you mean list?"), "\(nested.stderr)")
        #expect(nested.stderr.contains("Usage: keyward keys"), "\(nested.stderr)")
        let far = try keyward(["zzzzzz"])
        #expect(far.stderr.contains("commands: serve, init"), "\(far.stderr)")
        // Arguments and option values are not commands.
        #expect(try keyward(["keys", "show", "--help"]).status == 0)
    }

    @Test("a bad value names its option, the accepted forms and its command's usage")
    func badValue() throws {
        let result = try keyward(["keys", "create", "--name", "a", "--owner", "b", "--ttl", "2x"], environment: ["KEYWARD_ADDR": "http://127.0.0.1:1"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--ttl") && result.stderr.contains("2w") && result.stderr.contains("P90D"), "\(result.stderr)")
        #expect(result.stderr.contains("Usage: keyward keys create"), "\(result.stderr)")
        #expect(!result.stderr.contains("keyward <subcommand>"))
        #expect(!result.stderr.contains("cannot reach"), "refused before any request")
    }

    @Test("keys revoke needs --reason, as the dashboard does")
    func revokeNeedsReason() throws {
        let result = try keyward(["keys", "revoke", "key_0000000000000000000000"], environment: ["KEYWARD_ADDR": "http://127.0.0.1:1"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--reason is required"), "\(result.stderr)")
        #expect(!result.stderr.contains("cannot reach"))
    }

    @Test("--ttl takes the policy's durations: 2w and P90D")
    func policyDurations() async throws {
        let directory = try temporaryDirectory()
        let server = try ServerProcess(database: directory.appendingPathComponent("keyward.db").path)
        defer { server.stop() }
        let env = ["KEYWARD_ADDR": server.address, "KEYWARD_TOKEN": try #require(server.bootstrapKey)]
        for (ttl, days) in [("2w", 14), ("P90D", 90), ("P1DT12H", 1), ("90d", 90)] {
            let created = try keyward(["keys", "create", "--name", "ttl-\(ttl)", "--owner", "team-a", "--ttl", ttl, "--json"], environment: env)
            #expect(created.status == 0, "\(ttl): \(created.stderr)")
            let fields = created.object
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            func date(_ name: String) -> Date? {
                (fields[name] as? String).flatMap { formatter.date(from: $0) ?? ISO8601DateFormatter().date(from: $0) }
            }
            let lifetime = try #require(date("expires_at")).timeIntervalSince(try #require(date("created_at")))
            #expect(Int(lifetime / 86_400) == days, "\(ttl)")
        }
        for bad in ["P1Y", "PT", "2ww", "-5d", "P1M"] {
            let refused = try keyward(["keys", "create", "--name", "x", "--owner", "y", "--ttl", bad], environment: env)
            #expect(refused.status == 64, "\(bad): \(refused.stderr)")
        }
    }

    @Test("help text reflows to the terminal: no paragraph is broken by hand")
    func helpIsNotHardWrapped() throws {
        var pending = [[String]()]
        var checked = 0
        while let path = pending.popLast() {
            let help = try keyward(path + ["--help"], environment: ["COLUMNS": "5000"])
            #expect(help.status == 0, "\(path)")
            checked += 1
            let text = help.stdout
            // The overview and discussion come before USAGE.
            let prose = text.components(separatedBy: "USAGE:").first ?? ""
            let lines = prose.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for (line, next) in zip(lines, lines.dropFirst()) where !line.isEmpty && !next.isEmpty {
                let trimmed = next.trimmingCharacters(in: .whitespaces)
                let continues = trimmed.first.map { $0.isLowercase } ?? false
                let isExample = trimmed.hasPrefix("keyward ") || trimmed.hasPrefix("-")
                let brokenEnd = line.last.map { $0.isLetter || $0 == "," } ?? false
                #expect(isExample || !(continues || brokenEnd), "keyward \(path.joined(separator: " ")): a paragraph is wrapped by hand at \"\(line.suffix(40))⏎\(next.prefix(40))\"")
            }
            if let subcommands = text.components(separatedBy: "SUBCOMMANDS:").last, text.contains("SUBCOMMANDS:") {
                for line in subcommands.split(separator: "\n") {
                    // "  list   List keys…" (two-space indent, then the name).
                    guard line.hasPrefix("  "), !line.hasPrefix("   "), let name = line.split(separator: " ").first.map(String.init),
                          name != "help", !name.hasPrefix("See")
                    else { continue }
                    pending.append(path + [name])
                }
            }
        }
        #expect(checked > 40)
    }

    @Test("a port in use is reported before a new database is created and its bootstrap key printed")
    func portInUse() throws {
        let directory = try temporaryDirectory()
        let database = directory.appendingPathComponent("keyward.db").path
        let (fd, port) = try LoopbackSocket.bound(listening: true)
        defer { close(fd) }
        let result = try keyward(["serve", "--db", database, "--port", String(port)])
        #expect(result.status == 2)
        #expect(result.stderr.contains("cannot listen on 127.0.0.1:\(port): address already in use"), "\(result.stderr)")
        #expect(result.stdout.range(of: #"kw_[a-z0-9]+_[0-9A-Za-z]{38}"#, options: .regularExpression) == nil, "no bootstrap key: \(result.stdout)")
        #expect(!FileManager.default.fileExists(atPath: database))
    }

    @Test("keyward verify at a terminal prompts for the key without echoing it")
    func verifyPromptsWithoutEcho() throws {
        let directory = try temporaryDirectory()
        let server = try ServerProcess(database: directory.appendingPathComponent("keyward.db").path)
        defer { server.stop() }
        let admin = try #require(server.bootstrapKey)
        // A pseudo-terminal: python's pty runs keyward on it, types the key after the prompt and
        // prints everything the terminal showed.
        let script = """
            import os, pty, sys, time
            pid, fd = pty.fork()
            if pid == 0:
                os.execv(sys.argv[1], [sys.argv[1], "verify"])
            out = b""
            deadline = time.time() + 20
            while b"key:" not in out and time.time() < deadline:
                out += os.read(fd, 1024)
            os.write(fd, sys.argv[2].encode() + b"\\n")
            while True:
                try:
                    chunk = os.read(fd, 1024)
                except OSError:
                    break
                if not chunk:
                    break
                out += chunk
            _, status = os.waitpid(pid, 0)
            sys.stdout.write(out.decode(errors="replace"))
            sys.exit(os.WEXITSTATUS(status))
            """
        let scriptFile = directory.appendingPathComponent("verify_prompt.py")
        try script.write(to: scriptFile, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [scriptFile.path, KeywardBinary.path, admin]
        var environment = ProcessInfo.processInfo.environment
        environment["KEYWARD_ADDR"] = server.address
        environment["KEYWARD_TOKEN"] = admin
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let status = waitForExit(process, seconds: 30)
        let terminal = String(decoding: data, as: UTF8.self)
        #expect(status == 0, "\(terminal)")
        #expect(terminal.contains("keyward key:"))
        #expect(terminal.contains("VALID"))
        #expect(!terminal.contains(admin), "the typed key was echoed")
    }
}
