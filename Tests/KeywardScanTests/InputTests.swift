import Foundation
import Testing
@testable import KeywardScan
#if canImport(Glibc)
import Glibc
#endif

/// Bad and unusual inputs: binary files, NUL bytes, invalid UTF-8, links, unreadable files.
@Suite struct InputTests {
    @Test func binaryFilesAreSkippedAndCounted() throws {
        let directory = try TemporaryDirectory()
        let key = Secrets.keywardKey()
        try directory.write("image.png", Data([0x89, 0x50, 0x4E, 0x47, 0x00, 0x01] + Array(" \(key) ".utf8)))
        try directory.write("notes.txt", "KEY=\(key)\n")
        let result = Scanning.scanner().scan(paths: [directory.path])
        #expect(result.summary.binarySkipped == 1)
        #expect(result.summary.inputsScanned == 1)
        #expect(result.findings.map(\.file) == ["\(directory.path)/notes.txt"])
    }

    @Test func nulBytesAfterTheProbeAndInvalidUTF8DoNotHideSecrets() throws {
        let directory = try TemporaryDirectory()
        let key = Secrets.keywardKey()
        var bytes = Array(String(repeating: "text ", count: 2000).utf8)   // 10 000 bytes, past the binary probe
        bytes += [0x00, 0xFF, 0xFE, 0xC3, 0x28, 0xE2, 0x82]                   // NUL and broken UTF-8
        bytes += Array(" \(key) ".utf8) + [0xF0, 0x9F, 0x98]
        let path = try directory.write("mixed.log", Data(bytes))
        let findings = Scanning.scanner().scan(paths: [path]).findings
        #expect(findings.count == 1)
        #expect(findings.first?.line == 1)
    }

    @Test func columnsCountCharactersNotBytes() throws {
        let key = Secrets.keywardKey()
        let findings = Scanning.findings(in: "é→日本 \(key)")
        #expect(findings.first?.column == 6)
    }

    @Test func brokenSymlinksAndSpecialFilesAreReportedAndSkipped() throws {
        let directory = try TemporaryDirectory()
        try directory.write("real.txt", "KEY=\(Secrets.keywardKey())\n")
        try FileManager.default.createSymbolicLink(atPath: directory.url("dangling").path, withDestinationPath: directory.url("missing").path)
        try FileManager.default.createSymbolicLink(atPath: directory.url("alias.txt").path, withDestinationPath: directory.url("real.txt").path)
        #expect(mkfifo(directory.url("pipe").path, 0o600) == 0)
        let result = Scanning.scanner().scan(paths: [directory.path])
        #expect(result.findings.count == 1, "the linked file is not scanned twice")
        #expect(result.summary.problems.contains { $0.path.hasSuffix("dangling") && $0.reason == "broken symbolic link" })
        #expect(result.summary.problems.contains { $0.path.hasSuffix("pipe") && $0.reason == "not a regular file" })
        #expect(result.summary.symlinksSkipped == 1)
    }

    @Test func unreadableFilesAreReportedAndSkipped() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("secret.txt", "KEY=\(Secrets.keywardKey())\n")
        // Root reads files whatever their mode; then /proc/self/mem stands in: it opens, and
        // reading it at offset 0 fails.
        let unreadable = getuid() == 0 ? "/proc/self/mem" : path
        if getuid() != 0 { chmod(path, 0) }
        let result = Scanning.scanner().scan(paths: [unreadable, directory.url("absent.txt").path])
        #expect(result.findings.isEmpty)
        #expect(result.summary.problems.contains { $0.path == unreadable })
        #expect(result.summary.problems.contains { $0.path.hasSuffix("absent.txt") && $0.reason == "no such file or directory" })
    }

    @Test func gitDirectoriesAndAllowlistedFilesAreNotScanned() throws {
        let directory = try TemporaryDirectory()
        try directory.write(".git/config", "token=\(Secrets.githubToken())\n")
        try directory.write("package-lock.json", "\"token\": \"\(Secrets.githubToken())\"\n")
        try directory.write("src/app.py", "token = '\(Secrets.githubToken())'\n")
        let result = Scanning.scanner().scan(paths: [directory.path])
        #expect(result.findings.map(\.file) == ["\(directory.path)/src/app.py"])
        #expect(result.summary.allowlistedInputs == 1)
    }

    @Test func standardInputIsScannedToTheEnd() throws {
        var descriptors: [Int32] = [0, 0]
        #expect(pipe(&descriptors) == 0)
        let (readEnd, writeEnd) = (descriptors[0], descriptors[1])
        let key = Secrets.keywardKey()
        let payload = Array((String(repeating: "line\n", count: 1_000_000) + "KEY=\(key)\n").utf8)
        let writer = Thread {
            payload.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let written = write(writeEnd, raw.baseAddress! + offset, raw.count - offset)
                    if written <= 0 { break }
                    offset += written
                }
            }
            close(writeEnd)
        }
        writer.start()
        let result = Scanning.scanner().scan(descriptor: readEnd, name: "-")
        close(readEnd)
        #expect(result.findings.count == 1)
        #expect(result.findings.first?.file == "-")
        #expect(result.findings.first?.line == 1_000_001)
    }

    @Test func relativePathsHaveNoDotPrefix() {
        #expect(DirectoryWalker.normalized("./a/b.env") == "a/b.env")
        #expect(DirectoryWalker.normalized("././a") == "a")
        #expect(DirectoryWalker.normalized("/abs/./x") == "/abs/./x")
    }
}
