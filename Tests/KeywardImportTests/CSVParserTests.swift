import Testing
@testable import KeywardImport

@Suite struct CSVParserTests {
    func parse(_ text: String, chunkSize: Int = 1 << 20) throws -> [CSVRecord] {
        try parse(bytes: Array(text.utf8), chunkSize: chunkSize)
    }

    func parse(bytes: [UInt8], chunkSize: Int = 1 << 20) throws -> [CSVRecord] {
        var parser = CSVParser(file: "t.csv")
        var records: [CSVRecord] = []
        var source = BufferByteSource(bytes, chunkSize: chunkSize)
        while let chunk = try source.nextChunk() { try parser.feed(chunk) { records.append($0) } }
        try parser.finish { records.append($0) }
        return records
    }

    @Test func quotedFieldsWithCommasDoubledQuotesAndNewlines() throws {
        let records = try parse("a,b,c\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\nlast,row,here\n")
        #expect(records.map(\.fields) == [["a", "b", "c"], ["x, y", "say \"hi\"", "two\nlines"], ["last", "row", "here"]])
        #expect(records.map(\.line) == [1, 2, 4])
    }

    @Test func crlfByteOrderMarkAndMissingFinalNewline() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("user,arn\r\nalice,a1\r\n\r\nbob,\"b\r\n2\"\r\ncarol,c3".utf8)
        let records = try parse(bytes: bytes)
        #expect(records.map(\.fields) == [["user", "arn"], ["alice", "a1"], ["bob", "b\r\n2"], ["carol", "c3"]])
        #expect(records.map(\.line) == [1, 2, 4, 6])
    }

    @Test func bareCarriageReturnsEndLines() throws {
        let records = try parse("a,b\r1,2\r")
        #expect(records.map(\.fields) == [["a", "b"], ["1", "2"]])
        #expect(records.map(\.line) == [1, 2])
    }

    @Test func chunkBoundariesDoNotChangeTheResult() throws {
        let text = "\u{FEFF}h1,h2\r\n\"q\"\"uote\",\"multi\r\nline\"\r\nplain,\"\"\r\n,\r\n"
        let whole = try parse(text)
        for size in [1, 2, 3, 5, 7] {
            #expect(try parse(text, chunkSize: size) == whole, "chunk size \(size)")
        }
        #expect(whole.map(\.fields) == [["h1", "h2"], ["q\"uote", "multi\r\nline"], ["plain", ""], ["", ""]])
    }

    @Test func emptyFieldsAndTrailingComma() throws {
        let records = try parse("a,,c,\n")
        #expect(records.map(\.fields) == [["a", "", "c", ""]])
    }

    @Test func lenientAboutStrayQuotes() throws {
        let records = try parse("ab\"c,\"d\"e\n")
        #expect(records.map(\.fields) == [["ab\"c", "de"]])
    }

    @Test func unterminatedQuoteNamesItsLine() throws {
        #expect(throws: ImportError(file: "t.csv", line: 2, field: nil, message: "a quoted field starting on this line is never closed")) {
            try parse("a,b\n1,\"open\n2,3\n")
        }
    }

    @Test("a line of commas stops at the fields-per-record limit, on its own line, without being read to its end")
    func fieldsPerRecordAreBounded() throws {
        let commas = [UInt8]("a,b\n".utf8) + [UInt8](repeating: UInt8(ascii: ","), count: 16 << 20)
        var parser = CSVParser(file: "t.csv")
        var fed = 0
        var failure: ImportError?
        var source = BufferByteSource(commas, chunkSize: 4096)
        do {
            while let chunk = try source.nextChunk() {
                fed += chunk.count
                try parser.feed(chunk) { _ in }
            }
        } catch let error as ImportError {
            failure = error
        }
        #expect(failure == ImportError(file: "t.csv", line: 2, field: nil,
                                       message: "a record has more than \(CSVParser.maximumFieldsPerRecord) fields (the limit of one CSV record)"))
        #expect(fed <= 8192, "stopped in the chunk that passed the limit")
    }

    @Test("a record whose fields together pass the record limit is refused, naming it")
    func recordBytesAreBounded() throws {
        let field = String(repeating: "x", count: CSVParser.maximumFieldBytes - 1)
        let line = Array(repeating: field, count: CSVParser.maximumRecordBytes / CSVParser.maximumFieldBytes + 1).joined(separator: ",")
        #expect(throws: ImportError(file: "t.csv", line: 1, field: nil,
                                    message: "a record is longer than \(CSVParser.maximumRecordBytes) bytes (the limit of one CSV record)")) {
            try parse(line + "\n")
        }
    }

    @Test func runawayFieldIsStopped() throws {
        let long = "\"" + String(repeating: "x", count: CSVParser.maximumFieldBytes + 10)
        #expect(throws: ImportError.self) { try parse(long) }
    }
}
