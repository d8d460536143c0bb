import Foundation
import Testing
@testable import KeywardScan

/// Archives are scanned inside, with findings located `archive!entry`, and bounded against bombs.
/// The archives are made by the tools people make them with: `zip`, `tar`, Python's zipfile.
@Suite struct ArchiveScanTests {
    @Test func zipJarTarAndTarGzAreScannedInsideWithLocatedFindings() throws {
        let directory = try TemporaryDirectory()
        let key = Secrets.keywardKey()
        let token = Secrets.githubToken()
        try directory.write("src/config/app.env", "# settings\nAPI_KEY=\(key)\n")
        try directory.write("src/notes.txt", "nothing here\n\n\ngithub: \(token)\n")
        try runTool(["zip", "-q", "-r", "../bundle.zip", "."], in: directory.path + "/src")
        try runTool(["zip", "-q", "-r", "../lib.jar", "config"], in: directory.path + "/src")
        try runTool(["tar", "-cf", "../plain.tar", "notes.txt"], in: directory.path + "/src")
        try runTool(["tar", "-czf", "../packed.tgz", "config", "notes.txt"], in: directory.path + "/src")
        try FileManager.default.removeItem(atPath: directory.path + "/src")

        let result = Scanning.scanner().scan(paths: [directory.path])
        let located = Set(result.findings.map { "\($0.file.dropFirst(directory.path.count + 1)):\($0.line):\($0.ruleID)" })
        #expect(located == [
            "bundle.zip!config/app.env:2:keyward-api-key",
            "bundle.zip!notes.txt:4:github-pat",
            "lib.jar!config/app.env:2:keyward-api-key",
            "plain.tar!notes.txt:4:github-pat",
            "packed.tgz!config/app.env:2:keyward-api-key",
            "packed.tgz!notes.txt:4:github-pat",
        ])
        #expect(result.summary.archivesOpened == 4)
        #expect(result.summary.problems.isEmpty)
    }

    @Test func nestedArchivesAreOpenedToTheDepthLimit() throws {
        let directory = try TemporaryDirectory()
        let key = Secrets.keywardKey()
        try directory.write("work/secret.txt", "token \(key)\n")
        try runTool(["zip", "-q", "inner.jar", "secret.txt"], in: directory.path + "/work")
        try runTool(["zip", "-q", "outer.zip", "inner.jar"], in: directory.path + "/work")
        let outer = directory.path + "/work/outer.zip"

        let found = Scanning.scanner().scan(paths: [outer])
        #expect(found.findings.map(\.file) == [outer + "!inner.jar!secret.txt"])

        let shallow = SecretScanner(ruleSet: Scanning.ruleSet, options: ScanOptions(workers: 1, archives: ArchiveLimits(maximumDepth: 0)))
        let refused = shallow.scan(paths: [outer])
        #expect(refused.findings.isEmpty)
        #expect(refused.summary.problems.map(\.path) == [outer + "!inner.jar"])
    }

    @Test func aZipBombIsRefusedAndTheRestOfTheArchiveStillScanned() throws {
        let directory = try TemporaryDirectory()
        let key = Secrets.keywardKey()
        let script = """
            import zipfile
            with zipfile.ZipFile("bomb.zip", "w", zipfile.ZIP_DEFLATED) as z:
                z.writestr("zeros.txt", b"0" * (64 * 1024 * 1024))
                z.writestr("real.txt", "key = \(key)\\n")
            """
        try directory.write("make.py", script)
        try runTool(["python3", "make.py"], in: directory.path)
        let bomb = directory.path + "/bomb.zip"
        let compressed = try #require(FileManager.default.attributesOfItem(atPath: bomb)[.size] as? Int)
        #expect(compressed < 1 << 20)

        let result = Scanning.scanner().scan(paths: [bomb])
        #expect(result.findings.map(\.file) == [bomb + "!real.txt"])
        let problem = try #require(result.summary.problems.first)
        #expect(problem.path == bomb + "!zeros.txt")
        #expect(problem.reason.contains("compression ratio"))
        #expect(result.summary.bytesScanned < 1 << 20)
    }

    @Test func aGzipBombAndTheTotalSizeLimitAreRefused() throws {
        let directory = try TemporaryDirectory()
        try directory.write("make.py", """
            import gzip, io, tarfile
            data = b"0" * (64 * 1024 * 1024)
            with tarfile.open("bomb.tar.gz", "w:gz") as t:
                info = tarfile.TarInfo("zeros.txt"); info.size = len(data)
                t.addfile(info, io.BytesIO(data))
            """)
        try runTool(["python3", "make.py"], in: directory.path)
        let bomb = directory.path + "/bomb.tar.gz"
        let result = Scanning.scanner().scan(paths: [bomb])
        #expect(result.summary.problems.map(\.path) == [bomb])
        #expect(result.summary.problems.first?.reason.contains("compression ratio") == true)

        // A small total budget stops an honest archive too, with a problem, not a crash.
        try directory.write("big/a.txt", String(repeating: "line of text\n", count: 10_000))
        try directory.write("big/b.txt", String(repeating: "more text\n", count: 10_000))
        try runTool(["tar", "-cf", "../big.tar", "a.txt", "b.txt"], in: directory.path + "/big")
        let limited = SecretScanner(ruleSet: Scanning.ruleSet, options: ScanOptions(workers: 1, archives: ArchiveLimits(maximumTotalBytes: 150_000)))
        let partial = limited.scan(paths: [directory.path + "/big.tar"])
        #expect(partial.summary.inputsScanned == 1)
        #expect(partial.summary.problems.count == 1)
    }

    @Test func theEntryLimitIsKept() throws {
        let directory = try TemporaryDirectory()
        for index in 0..<5 { try directory.write("many/f\(index).txt", "file \(index)\n") }
        try runTool(["zip", "-q", "-r", "../many.zip", "."], in: directory.path + "/many")
        let limited = SecretScanner(ruleSet: Scanning.ruleSet, options: ScanOptions(workers: 1, archives: ArchiveLimits(maximumEntries: 3)))
        let result = limited.scan(paths: [directory.path + "/many.zip"])
        #expect(result.summary.problems.first?.reason.contains("3 entries") == true)
        #expect(result.summary.inputsScanned <= 3)
    }

    @Test func aFileNamedLikeAnArchiveThatIsNotOneIsScannedAsText() {
        let key = Secrets.keywardKey()
        let findings = Scanning.findings(in: "key = \(key)\n", path: "notes.zip")
        #expect(findings.map(\.file) == ["notes.zip"])
    }

    /// Hostile input: every offset and size in a header is attacker-chosen. Corrupted archives
    /// must end in a problem or a partial scan, never a trap.
    @Test func randomlyCorruptedArchivesNeverCrash() throws {
        let directory = try TemporaryDirectory()
        try directory.write("src/a.txt", "key = \(Secrets.keywardKey())\n" + String(repeating: "some text\n", count: 200))
        try directory.write("src/b/c.txt", "nothing\n")
        try runTool(["zip", "-q", "-r", "../x.zip", "."], in: directory.path + "/src")
        try runTool(["tar", "-cf", "../x.tar", "."], in: directory.path + "/src")
        try runTool(["tar", "-czf", "../x.tgz", "."], in: directory.path + "/src")
        var generator = SystemRandomNumberGenerator()
        let scanner = Scanning.scanner(workers: 1)
        for name in ["x.zip", "x.tar", "x.tgz"] {
            let original = Array(try Data(contentsOf: directory.url(name)))
            for _ in 0..<300 {
                var bytes = original
                for _ in 0..<Int.random(in: 1...8, using: &generator) {
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                }
                if Bool.random(using: &generator) { bytes.removeLast(Int.random(in: 0..<bytes.count, using: &generator)) }
                _ = scanner.scan(bytes: bytes, path: name)
            }
        }
    }

    @Test func damagedArchivesAreProblemsNotCrashes() throws {
        var zip = Array("PK\u{03}\u{04}".utf8) + [UInt8](repeating: 0xFF, count: 200)
        var result = Scanning.scanner(workers: 1).scan(bytes: zip, path: "broken.zip")
        #expect(result.summary.problems.count == 1)
        zip = Array("PK\u{05}\u{06}".utf8) + [0, 0, 0, 0, 9, 0, 9, 0, 0xFF, 0xFF, 0, 0, 0xFF, 0xFF, 0, 0, 0, 0]
        result = Scanning.scanner(workers: 1).scan(bytes: zip, path: "broken.jar")
        #expect(result.summary.problems.count == 1)
        result = Scanning.scanner(workers: 1).scan(bytes: [0x1F, 0x8B, 8, 0, 1, 2, 3], path: "broken.tgz")
        #expect(result.summary.problems.count == 1)
    }
}
