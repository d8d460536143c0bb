/// One CSV record: its fields and the line it starts on (a quoted field may span lines).
public struct CSVRecord: Sendable, Equatable {
    public var line: Int
    public var fields: [String]

    public init(line: Int, fields: [String]) {
        self.line = line
        self.fields = fields
    }
}

/// An RFC 4180 parser fed chunk by chunk, so that memory stays bounded by the longest record,
/// not the file.
///
/// It accepts what real exports contain: a UTF-8 byte-order mark, CRLF, LF or bare CR line ends,
/// quoted fields with doubled quotes and embedded line breaks, and a last line without a line
/// end. Blank lines are skipped. Being lenient where RFC 4180 is strict but the intent is clear
/// (a quote inside an unquoted field, text after a closing quote) keeps one odd value from
/// rejecting a million-row report; an unterminated quote is an error, because everything after it
/// would be misread.
public struct CSVParser {
    /// A single field longer than this is treated as a runaway quote rather than data.
    public static let maximumFieldBytes = 1 << 20
    /// Fields of one record: no export has more than a few dozen columns, and each field costs
    /// a string, so a line of commas would otherwise cost some 30 bytes of memory per byte read.
    public static let maximumFieldsPerRecord = 1000
    /// Bytes of one record, all its fields together.
    public static let maximumRecordBytes = 4 << 20

    private enum State { case fieldStart, unquoted, quoted, quoteInQuoted }

    private var state = State.fieldStart
    private var field: [UInt8] = []
    private var fields: [String] = []
    private var recordBytes = 0
    private var line = 1
    private var recordLine = 1
    private var quoteLine = 1
    private var previousWasCR = false
    /// How many bytes of the UTF-8 byte-order mark have been skipped; 3 once past the start.
    private var byteOrderMarkSeen = 0
    private let file: String

    public init(file: String) {
        self.file = file
        field.reserveCapacity(256)
    }

    /// Parses `chunk`, calling `emit` for every record it completes.
    public mutating func feed(_ chunk: [UInt8], emit: (CSVRecord) throws -> Void) throws {
        let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]
        try chunk.withUnsafeBufferPointer { bytes in
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                if byteOrderMarkSeen < 3 {
                    if byte == byteOrderMark[byteOrderMarkSeen] {
                        byteOrderMarkSeen += 1
                        continue
                    }
                    byteOrderMarkSeen = 3
                }
                if previousWasCR {
                    previousWasCR = false
                    if byte == 0x0A { continue }  // the LF of a CRLF already counted
                }
                switch state {
                case .fieldStart:
                    switch byte {
                    case UInt8(ascii: "\""):
                        state = .quoted
                        quoteLine = line
                    case UInt8(ascii: ","):
                        try endField()
                    case 0x0A, 0x0D:
                        try endLine(cr: byte == 0x0D, emit: emit)
                    default:
                        field.append(byte)
                        state = .unquoted
                    }
                case .quoted:
                    if byte == UInt8(ascii: "\"") {
                        state = .quoteInQuoted
                    } else {
                        if byte == 0x0A { line += 1 }  // kept in the value; counted for later line numbers
                        try append(byte)
                    }
                case .unquoted, .quoteInQuoted:
                    switch byte {
                    case UInt8(ascii: "\"") where state == .quoteInQuoted:
                        try append(byte)  // a doubled quote inside a quoted field
                        state = .quoted
                    case UInt8(ascii: ","):
                        try endField()
                        state = .fieldStart
                    case 0x0A, 0x0D:
                        try endLine(cr: byte == 0x0D, emit: emit)
                    default:
                        try append(byte)  // text after a closing quote is kept, not rejected
                        state = .unquoted
                    }
                }
            }
        }
    }

    /// Ends the input: emits the last record when the file does not end with a line break.
    public mutating func finish(emit: (CSVRecord) throws -> Void) throws {
        if state == .quoted {
            throw ImportError(file: file, line: quoteLine, field: nil,
                              message: "a quoted field starting on this line is never closed")
        }
        if state != .fieldStart || !fields.isEmpty || !field.isEmpty {
            try endField()
            try emitRecord(emit)
        }
    }

    private mutating func append(_ byte: UInt8) throws {
        field.append(byte)
        recordBytes += 1
        if field.count > CSVParser.maximumFieldBytes {
            throw ImportError(file: file, line: state == .quoted ? quoteLine : line, field: nil,
                              message: "a field is longer than \(CSVParser.maximumFieldBytes) bytes; probably an unclosed quote")
        }
        if recordBytes > CSVParser.maximumRecordBytes {
            throw ImportError(file: file, line: recordLine, field: nil,
                              message: "a record is longer than \(CSVParser.maximumRecordBytes) bytes (the limit of one CSV record)")
        }
    }

    private mutating func countLineBreak(cr: Bool) {
        line += 1
        previousWasCR = cr
    }

    private mutating func endField() throws {
        guard fields.count < CSVParser.maximumFieldsPerRecord else {
            throw ImportError(file: file, line: recordLine, field: nil,
                              message: "a record has more than \(CSVParser.maximumFieldsPerRecord) fields (the limit of one CSV record)")
        }
        fields.append(String(decoding: field, as: UTF8.self))
        field.removeAll(keepingCapacity: true)
    }

    private mutating func endLine(cr: Bool, emit: (CSVRecord) throws -> Void) throws {
        let blank = state == .fieldStart && fields.isEmpty
        if !blank {
            try endField()
            try emitRecord(emit)
        }
        countLineBreak(cr: cr)
        recordLine = line
        state = .fieldStart
    }

    private mutating func emitRecord(_ emit: (CSVRecord) throws -> Void) throws {
        let record = CSVRecord(line: recordLine, fields: fields)
        fields.removeAll(keepingCapacity: true)
        recordBytes = 0
        try emit(record)
    }
}
