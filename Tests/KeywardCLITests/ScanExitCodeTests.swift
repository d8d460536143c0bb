import Foundation
import Testing

/// `keyward scan` fails on a path that does not exist, so a mistyped path in CI fails the job
/// instead of passing it with "no leaks found".
@Suite struct ScanExitCodeTests {
    @Test func aMissingPathExitsTwoWithAClearError() throws {
        let result = try keyward(["scan", "/no/such/path", "--no-progress", "--no-inventory"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("no such file or directory: /no/such/path"))
        #expect(!result.stderr.contains("no leaks found"))
    }

    @Test func aMissingPathAmongSeveralExitsTwo() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keyward-exit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("nothing secret\n".utf8).write(to: directory.appendingPathComponent("clean.txt"))
        let clean = try keyward(["scan", directory.path, "--no-progress", "--no-inventory"])
        #expect(clean.status == 0)
        let mixed = try keyward(["scan", directory.path, directory.appendingPathComponent("typo.txt").path, "--no-progress", "--no-inventory"])
        #expect(mixed.status == 2)
        #expect(mixed.stderr.contains("typo.txt"))
    }
}
