import Foundation

/// Runs `git` (found on `PATH`) in a repository. History is read through git's plumbing
/// commands rather than by parsing `.git` ourselves: packs, alternates, grafts and
/// partial clones are git's business.
struct GitProcess {
    let repository: String

    /// Runs git to completion and returns its standard output; throws with git's own message.
    func output(_ arguments: [String], standardInput: String? = nil) throws(GitError) -> Data {
        let process = makeProcess(arguments)
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        if let standardInput { process.standardInput = FileHandle(forReadingAtPath: standardInput) }
        try Self.launch(process)
        // Read both pipes to the end before waiting, or a full pipe would block git forever.
        let collected = Mutex<Data>(Data())
        let errorsRead = DispatchSemaphore(value: 0)
        Thread {
            let data = errors.fileHandleForReading.readDataToEndOfFile()
            collected.withLock { $0 = data }
            errorsRead.signal()
        }.start()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        errorsRead.wait()
        guard process.terminationStatus == 0 else {
            let message = String(decoding: collected.withLock { $0 }, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw GitError("git \(arguments.first ?? "") failed: \(message.isEmpty ? "exit status \(process.terminationStatus)" : message)")
        }
        return data
    }

    /// Starts git with its output on a pipe the caller reads; the caller waits for the process.
    func start(_ arguments: [String], standardInput: String) throws(GitError) -> (process: Process, output: FileHandle) {
        let process = makeProcess(arguments)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        guard let input = FileHandle(forReadingAtPath: standardInput) else { throw GitError("cannot read \(standardInput)") }
        process.standardInput = input
        try Self.launch(process)
        return (process, output.fileHandleForReading)
    }

    /// Starts processes one at a time. Foundation's `Process` hands descriptors to the child and
    /// closes them in the parent; two threads doing so at once can swap a freshly reused
    /// descriptor between children (seen here: two `cat-file` processes reading each other's lists).
    private static let launchLock = Mutex<Void>(())

    private static func launch(_ process: Process) throws(GitError) {
        let failure: (any Error)? = launchLock.withLock { _ in
            do { try process.run(); return nil } catch { return error }
        }
        if let failure { throw GitError("cannot run git: \(failure.localizedDescription)") }
    }

    private func makeProcess(_ arguments: [String]) -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // No pager, no colour, no locale-dependent output, no prompts.
        process.arguments = ["git", "-C", repository, "-c", "core.quotePath=false", "-c", "color.ui=never"] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_PAGER"] = "cat"
        environment["LC_ALL"] = "C"
        environment["GIT_TERMINAL_PROMPT"] = "0"
        process.environment = environment
        return process
    }
}

/// git could not be run or refused the request.
public struct GitError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

import Synchronization
