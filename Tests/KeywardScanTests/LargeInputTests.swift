import Foundation
import Testing
@testable import KeywardScan

/// Inputs larger than a chunk: secrets at and across chunk boundaries, very long lines.
@Suite struct LargeInputTests {
    /// Where keys start: on both sides of and across the first chunk's report limit and data
    /// end, and the second chunk's report limit. Keys are 46 bytes; starts are 55+ bytes apart.
    static var plantedOffsets: [Int] {
        let reportEnd = Chunking.chunkSize + Chunking.overlap / 2
        let dataEnd = Chunking.chunkSize + Chunking.overlap
        let secondReportEnd = reportEnd + Chunking.chunkSize
        return [1, 5000, reportEnd - 110, reportEnd - 30, reportEnd + 30, dataEnd - 130, dataEnd - 25, dataEnd + 40, secondReportEnd - 30, secondReportEnd + 30]
    }

    @Test func secretsAcrossChunkBoundariesAreFoundExactlyOnceWithTheirLines() throws {
        let directory = try TemporaryDirectory()
        let size = Chunking.chunkSize * 2 + Chunking.overlap * 3
        var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: size)
        var planted: [(offset: Int, key: String)] = []
        var occupied = IndexSet()
        for offset in Self.plantedOffsets {
            let key = Secrets.keywardKey()
            bytes.replaceSubrange((offset - 1)..<(offset + key.utf8.count + 1), with: Array(" \(key) ".utf8))
            occupied.insert(integersIn: (offset - 1)..<(offset + key.utf8.count + 1))
            planted.append((offset, key))
        }
        for index in stride(from: 999, to: size, by: 1000) where !occupied.contains(index) { bytes[index] = 0x0A }
        let path = try directory.write("big.txt", Data(bytes))
        let result = Scanning.scanner().scan(paths: [path])
        let found = result.findings.filter { $0.ruleID == "keyward-api-key" }
        #expect(found.count == planted.count)
        for (offset, key) in planted {
            let matches = found.filter { $0.secretHash.hex == KeyHashing.hex(of: key) }
            #expect(matches.count == 1, "key at offset \(offset) found \(matches.count) times")
            let lineStart = bytes[..<offset].lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
            #expect(matches.first?.line == bytes[..<offset].filter { $0 == 0x0A }.count + 1)
            #expect(matches.first?.column == offset - lineStart + 1)
        }
        #expect(result.summary.bytesScanned == size)
    }

    @Test func aTwelveMegabyteSingleLineIsScannedWithColumns() throws {
        let directory = try TemporaryDirectory()
        var text = String(repeating: "var a=function(b){return b+1};", count: 400_000)
        let key = Secrets.keywardKey()
        let column = text.count + 2
        text += "\"\(key)\";" + String(repeating: "x=1;", count: 100_000)
        let path = try directory.write("bundle.min.js", text)
        let findings = Scanning.scanner().scan(paths: [path]).findings
        #expect(findings.count == 1)
        #expect(findings.first?.line == 1)
        #expect(findings.first?.column == column)
    }

    @Test func assignmentsAtEveryOffsetInALongLineStayLinear() throws {
        // Many keyword hits that never match must not cost a rescan per hit; the test checks
        // the result (a token placed after them is found), the benchmark checks the speed.
        let prefix = String(repeating: "key:x,token:y,secret=z;", count: 200_000)
        let token = Secrets.githubToken()
        let findings = Scanning.findings(in: prefix + " \(token) ")
        #expect(findings.map(\.ruleID) == ["github-pat"])
    }
}

/// Crafted input for the backtracking matchers: long runs that almost match, over and over.
@Suite struct AdversarialInputTests {
    @Test func nearMatchesEverywhereStillFinishAndFindTheRealOne() {
        // Slack bot token shape whose tail never ends in a valid boundary, JWT-like runs
        // without their second part, and keyword assignments without values.
        let slack = String(repeating: "xoxb-1234567890123-" + String(repeating: "9", count: 3000) + "_", count: 200)
        let jwt = String(repeating: "eyJ" + String(repeating: "A", count: 2000) + ".", count: 200)
        let token = Secrets.githubToken()
        let findings = Scanning.findings(in: slack + jwt + " \(token) ")
        #expect(findings.map(\.ruleID) == ["github-pat"])
    }
}
