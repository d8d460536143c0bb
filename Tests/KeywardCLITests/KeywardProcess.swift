import Foundation
import Synchronization

/// The `keyward` executable built next to this test bundle.
enum KeywardBinary {
    static var path: String {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return executable.deletingLastPathComponent().appendingPathComponent("keyward").path
    }
}

/// Output of a finished command.
struct CommandResult {
    var status: Int32
    var stdout: String
    var stderr: String

    var json: Any? { try? JSONSerialization.jsonObject(with: Data(stdout.utf8)) }
    var object: [String: Any] { json as? [String: Any] ?? [:] }
}

/// Runs `keyward` with arguments and environment, and waits for it.
func keyward(_ arguments: [String], environment: [String: String] = [:], stdin: String? = nil) throws -> CommandResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: KeywardBinary.path)
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    for (name, value) in sharedMasterKey(arguments: arguments, environment: environment).merging(environment, uniquingKeysWith: { $1 }) { env[name] = value }
    process.environment = env
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    let input = Pipe()
    process.standardInput = input
    try process.run()
    // A command that hangs must fail its test, not stall the whole run: kill it after the limit.
    let pid = process.processIdentifier
    let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
    DispatchQueue.global().asyncAfter(deadline: .now() + commandTimeLimitSeconds, execute: watchdog)
    defer { watchdog.cancel() }
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try input.fileHandleForWriting.close()
    // stderr is drained on another thread, so a chatty command cannot fill one pipe while we
    // block reading the other.
    let stderrData = Mutex(Data())
    let stderrDone = DispatchSemaphore(value: 0)
    let errHandle = err.fileHandleForReading
    DispatchQueue.global().async {
        let data = errHandle.readDataToEndOfFile()
        stderrData.withLock { $0 = data }
        stderrDone.signal()
    }
    let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
    stderrDone.wait()
    let status = waitForExit(process, seconds: 30)
    return CommandResult(status: status, stdout: String(decoding: stdoutData, as: UTF8.self), stderr: String(decoding: stderrData.withLock { $0 }, as: UTF8.self))
}

/// How long one `keyward` command may run in a test before it is killed.
let commandTimeLimitSeconds: Double = 180

/// Waits for `process` to exit, at most `seconds`; then kills it. Returns its exit status, or -1
/// when it did not exit. (Foundation's `waitUntilExit` has no limit.)
@discardableResult
func waitForExit(_ process: Process, seconds: Double) -> Int32 {
    let deadline = Date().addingTimeInterval(seconds)
    while process.isRunning {
        if Date() >= deadline {
            kill(process.processIdentifier, SIGKILL)
            let last = Date().addingTimeInterval(5)
            while process.isRunning && Date() < last { Thread.sleep(forTimeInterval: 0.01) }
            return process.isRunning ? -1 : process.terminationStatus
        }
        Thread.sleep(forTimeInterval: 0.005)
    }
    return process.terminationStatus
}

/// A `keyward serve` process on a free port.
final class ServerProcess: @unchecked Sendable {
    let process = Process()
    private let output = OutputBuffer()
    private(set) var port = 0
    private(set) var bootstrapKey: String?

    var address: String { "http://127.0.0.1:\(port)" }
    var log: String { output.text }

    init(database: String, extraArguments: [String] = [], environment: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: KeywardBinary.path)
        process.arguments = ["serve", "--db", database, "--port", "0"] + extraArguments
        var env = ProcessInfo.processInfo.environment
        for (name, value) in sharedMasterKey(arguments: extraArguments, environment: environment).merging(environment, uniquingKeysWith: { $1 }) {
            env[name] = value
        }
        process.environment = env
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let output = self.output
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if !data.isEmpty { output.append(data) }
        }
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let text = log
            if let range = text.range(of: #"listening on http://127\.0\.0\.1:(\d+)"#, options: .regularExpression) {
                let line = String(text[range])
                port = Int(line.split(separator: ":").last!)!
                if let keyRange = text.range(of: #"kw_[a-z0-9]+_[0-9A-Za-z]{38}"#, options: .regularExpression) {
                    bootstrapKey = String(text[keyRange])
                }
                return
            }
            if !process.isRunning { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        process.terminate()
        throw ServerProcessError.didNotStart(log)
    }

    /// Sends a signal and waits for the process to exit; returns its exit status.
    @discardableResult
    func stop(signal: Int32 = SIGTERM) -> Int32 {
        kill(process.processIdentifier, signal)
        return waitForExit(process, seconds: 30)
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            waitForExit(process, seconds: 10)
        }
    }
}

enum ServerProcessError: Error { case didNotStart(String) }

/// Output collected from a child process by its reader callback.
final class OutputBuffer: Sendable {
    private let state = Mutex("")
    func append(_ data: Data) { state.withLock { $0 += String(decoding: data, as: UTF8.self) } }
    var text: String { state.withLock { $0 } }
}

func temporaryDirectory() throws -> URL {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keyward-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory
}

/// A PostgreSQL deployment must be given a master key file, the same for every node and
/// command on one database: commands and servers on PostgreSQL get this one, unless a test
/// names its own. (SQLite deployments create theirs beside the database.)
func sharedMasterKey(arguments: [String], environment: [String: String]) -> [String: String] {
    guard arguments.contains("--database-url") || environment["KEYWARD_DATABASE_URL"] != nil else { return [:] }
    return ["KEYWARD_MASTER_KEY_FILE": testMasterKeyFile]
}

let testMasterKeyFile: String = {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("keyward-test-\(ProcessInfo.processInfo.processIdentifier).key").path
    let key = (0..<32).map { _ in UInt8.random(in: 0...255) }
    _ = FileManager.default.createFile(atPath: path, contents: Data((Data(key).base64EncodedString() + "\n").utf8),
                                   attributes: [.posixPermissions: 0o600])
    return path
}()
