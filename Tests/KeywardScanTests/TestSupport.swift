import Foundation
import KeywardCore
@testable import KeywardScan

/// A directory under the system temporary directory, removed when the value goes away.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("keyward-scan-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func url(_ relative: String) -> URL { URL(fileURLWithPath: path).appendingPathComponent(relative) }

    @discardableResult
    func write(_ relative: String, _ text: String) throws -> String {
        try write(relative, Data(text.utf8))
    }

    @discardableResult
    func write(_ relative: String, _ data: Data) throws -> String {
        let url = url(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
        return url.path
    }
}

/// Runs git in a test repository with a fixed identity and dates.
struct TestRepository {
    let directory: TemporaryDirectory
    var path: String { directory.path }

    init() throws {
        directory = try TemporaryDirectory()
        try git("init", "-q", "-b", "main")
        try git("config", "user.name", "Ann Dev")
        try git("config", "user.email", "ann@example.org")
        try git("config", "commit.gpgsign", "false")
    }

    @discardableResult
    func git(_ arguments: String..., date: String = "2024-03-01T12:00:00Z") throws -> String {
        try runTool(["git", "-C", path] + arguments, environment: ["GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date])
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func commit(_ files: [String: String], message: String, date: String) throws -> String {
        for (name, content) in files { try directory.write(name, content) }
        try git("add", "-A")
        try git("commit", "-q", "-m", message, date: date)
        return try git("rev-parse", "HEAD")
    }
}

/// Runs a tool found on the PATH (`git`, `zip`, `tar`, `python3`) and returns what it printed;
/// the test fails when the tool does.
@discardableResult
func runTool(_ arguments: [String], in directory: String? = nil, environment: [String: String] = [:]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self)
    guard process.terminationStatus == 0 else { throw TestFailure("\(arguments.joined(separator: " ")) failed: \(text)") }
    return text
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Secrets for tests, made on the spot: nothing here is a real credential.
enum Secrets {
    static func keywardKey(prefix: String = "kw", environment: String = "live") -> String {
        try! KeyFormat(prefix: prefix).generate(environment: environment).reveal()
    }

    static let base62 = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

    static func random(_ count: Int, from alphabet: [Character] = base62) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<count).map { _ in alphabet.randomElement(using: &generator)! })
    }

    /// A GitHub-format token whose checksum validates (`valid`) or not.
    static func githubToken(_ prefix: String = "ghp_", valid: Bool = true) -> String {
        let body = random(30)
        var checksum = Base62.encode(CRC32.checksum(Array(body.utf8)), width: 6)
        if !valid { checksum = String(checksum.dropLast()) + (checksum.last == "A" ? "B" : "A") }
        return prefix + body + checksum
    }

    static func awsKeyID() -> String { "AKIA" + random(16, from: Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")) }
}

enum Scanning {
    static let ruleSet = try! RuleSet.load()

    static func scanner(workers: Int = 2, minimumConfidence: Confidence = .low) -> SecretScanner {
        SecretScanner(ruleSet: ruleSet, options: ScanOptions(workers: workers, minimumConfidence: minimumConfidence))
    }

    static func findings(in text: String, path: String = "input.txt") -> [SecretFinding] {
        scanner(workers: 1).scan(bytes: Array(text.utf8), path: path).findings
    }
}
