import Foundation
import Testing
@testable import KeywardScan

/// History and staged scans against real repositories built by the tests.
@Suite struct GitScanTests {
    @Test func historyFindsSecretsOnEveryBranchIncludingDeletedFilesWithTheirCommit() throws {
        let repository = try TestRepository()
        let key = Secrets.keywardKey()
        let token = Secrets.githubToken()
        let first = try repository.commit(["README.md": "hello\n"], message: "start", date: "2024-01-01T10:00:00Z")
        let leak = try repository.commit(["config/app.env": "A=1\nKEY=\(key)\n"], message: "add config", date: "2024-01-02T10:00:00Z")
        // Later edits keep the key in the file: still one finding, at the commit that added it.
        _ = try repository.commit(["config/app.env": "A=2\nB=3\nKEY=\(key)\n"], message: "tweak", date: "2024-01-03T10:00:00Z")
        try repository.git("rm", "-q", "config/app.env")
        _ = try repository.commit([:], message: "remove config", date: "2024-01-04T10:00:00Z")
        try repository.git("checkout", "-q", "-b", "feature", first)
        let branchLeak = try repository.commit(["tools/deploy.sh": "export GH=\(token)\n"], message: "deploy script", date: "2024-02-01T10:00:00Z")
        try repository.git("checkout", "-q", "main")

        let result = try Scanning.scanner().scanGitHistory(repository: repository.path)
        #expect(result.findings.count == 2)
        let keyFinding = try #require(result.findings.first { $0.ruleID == "keyward-api-key" })
        #expect(keyFinding.file == "config/app.env")
        #expect(keyFinding.line == 2)
        #expect(keyFinding.commit?.id == leak)
        #expect(keyFinding.commit?.author == "Ann Dev")
        #expect(keyFinding.commit?.email == "ann@example.org")
        #expect(keyFinding.commit?.date.hasPrefix("2024-01-02") == true)
        #expect(keyFinding.commit?.subject == "add config")
        let tokenFinding = try #require(result.findings.first { $0.ruleID == "github-pat" })
        #expect(tokenFinding.commit?.id == branchLeak)
        #expect(tokenFinding.file == "tools/deploy.sh")
        #expect(result.summary.commitsScanned == 5)
    }

    @Test func sinceLimitsTheScanToNewerCommits() throws {
        let repository = try TestRepository()
        let old = try repository.commit(["old.env": "KEY=\(Secrets.keywardKey())\n"], message: "old", date: "2023-06-01T10:00:00Z")
        let newer = try repository.commit(["new.env": "KEY=\(Secrets.keywardKey())\n"], message: "new", date: "2024-06-01T10:00:00Z")
        let byRevision = try Scanning.scanner().scanGitHistory(repository: repository.path, since: old)
        #expect(byRevision.findings.map(\.file) == ["new.env"])
        #expect(byRevision.findings.first?.commit?.id == newer)
        let byDate = try Scanning.scanner().scanGitHistory(repository: repository.path, since: "2024-01-01")
        #expect(byDate.findings.map(\.file) == ["new.env"])
    }

    @Test func historyOfBinaryAndLargeBlobs() throws {
        let repository = try TestRepository()
        let key = Secrets.keywardKey()
        var large = String(repeating: "0123456789", count: 600_000)   // 6 MB, more than a chunk
        large += "\nKEY=\(key)\n"
        try repository.directory.write("blob.bin", Data([0, 1, 2, 3] + Array(key.utf8)))
        _ = try repository.commit(["large.txt": large], message: "large", date: "2024-01-01T10:00:00Z")
        let result = try Scanning.scanner(workers: 3).scanGitHistory(repository: repository.path)
        #expect(result.findings.map(\.file) == ["large.txt"])
        #expect(result.findings.first?.line == 2)
        #expect(result.summary.binarySkipped == 1)
    }

    @Test func notARepositoryIsAnError() throws {
        let directory = try TemporaryDirectory()
        #expect(throws: GitError.self) { try Scanning.scanner().scanGitHistory(repository: directory.path) }
    }

    @Test func stagedScanReportsOnlyAddedLinesWithTheirNumbers() throws {
        let repository = try TestRepository()
        let committed = Secrets.keywardKey()
        _ = try repository.commit(["app.env": "A=1\nOLD=\(committed)\nB=2\n"], message: "base", date: "2024-01-01T10:00:00Z")
        let staged = Secrets.keywardKey()
        try repository.directory.write("app.env", "A=1\nOLD=\(committed)\nB=2\nNEW=\(staged)\n")
        try repository.directory.write("odd name.txt", "token: \(Secrets.githubToken())\n")
        try repository.directory.write("unstaged.txt", "KEY=\(Secrets.keywardKey())\n")
        try repository.git("add", "app.env", "odd name.txt")
        let result = try Scanning.scanner().scanStaged(repository: repository.path)
        #expect(result.findings.map(\.file) == ["app.env", "odd name.txt"])
        #expect(result.findings.first?.line == 4)
        #expect(result.findings.first?.secretHash.hex == KeyHashing.hex(of: staged))
    }

    @Test func stagedDiffParserKeepsHunkLineNumbers() {
        let diff = """
            diff --git a/x.txt b/x.txt
            index 1..2 100644
            --- a/x.txt
            +++ b/x.txt
            @@ -3,0 +4,2 @@ context
            +added four
            +added five
            @@ -10 +12 @@
            -old
            +new twelve
            \\ No newline at end of file
            diff --git a/bin b/bin
            Binary files a/bin and b/bin differ

            """
        let blocks = StagedDiff.addedBlocks(in: Data(diff.utf8), paths: ["x.txt", "bin"])
        #expect(blocks == [
            StagedDiff.Block(path: "x.txt", firstLine: 4, bytes: Array("added four\nadded five\n".utf8)),
            StagedDiff.Block(path: "x.txt", firstLine: 12, bytes: Array("new twelve\n".utf8)),
        ])
    }
}
