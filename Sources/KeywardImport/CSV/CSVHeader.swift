/// The header row of a CSV file: column names to positions, matched case-insensitively and
/// ignoring surrounding spaces, so `User`, ` user` and `user` are one column.
public struct CSVHeader: Sendable {
    public let names: [String]
    private let positions: [String: Int]

    public init(_ record: CSVRecord) {
        names = record.fields
        var positions: [String: Int] = [:]
        for (index, name) in record.fields.enumerated() {
            let key = CSVHeader.normalize(name)
            if positions[key] == nil { positions[key] = index }
        }
        self.positions = positions
    }

    static func normalize(_ name: String) -> String { normalizeSpaces(name).lowercased() }

    /// Importers ask with lower-case names, found directly; anything else is normalised first.
    public func position(of column: String) -> Int? { positions[column] ?? positions[CSVHeader.normalize(column)] }

    /// Fails the whole import when a required column is missing: without it no row can be read
    /// correctly, so importing "the rest" would be wrong.
    public func require(_ columns: [String], file: String, line: Int) throws {
        for column in columns where position(of: column) == nil {
            throw ImportError(file: file, line: line, field: column,
                              message: "required column is missing (the header has: \(names.joined(separator: ", ")))")
        }
    }

    /// Fails the whole import on a column a format of keyward's own does not define: a misspelt
    /// `ownr` would otherwise drop every owner in the file without a word. Unnamed columns (a
    /// spreadsheet's trailing commas) are ignored.
    public func rejectUnknown(allowed columns: [String], file: String, line: Int) throws {
        let known = Set(columns.map(CSVHeader.normalize))
        if let unknown = names.first(where: { !CSVHeader.normalize($0).isEmpty && !known.contains(CSVHeader.normalize($0)) }) {
            throw ImportError(file: file, line: line, field: CSVHeader.normalizeSpaces(unknown),
                              message: "unknown column; the columns are: \(columns.joined(separator: ", "))")
        }
    }
}

/// A data row read through its header.
public struct CSVRow {
    public let record: CSVRecord
    public let header: CSVHeader

    public var line: Int { record.line }

    /// The trimmed value of `column`, or nil when the column is absent or the value empty.
    public subscript(column: String) -> String? { self[header.position(of: column)] }

    /// The trimmed value at a position looked up once per file (``CSVHeader/position(of:)``).
    public subscript(position: Int?) -> String? {
        guard let position, position < record.fields.count else { return nil }
        let value = record.fields[position]
        let bytes = value.utf8
        guard let first = bytes.first else { return nil }
        guard first == 0x20 || bytes.last == 0x20 else { return value }
        let trimmed = CSVHeader.normalizeSpaces(value)
        return trimmed.isEmpty ? nil : trimmed
    }
}

extension CSVHeader {
    /// The value without leading or trailing spaces (exports pad cells by hand-editing).
    static func normalizeSpaces(_ value: String) -> String {
        guard let first = value.firstIndex(where: { $0 != " " }), let last = value.lastIndex(where: { $0 != " " }) else { return "" }
        return String(value[first...last])
    }
}

/// Reads a CSV source: the first record is the header, every later one a row. A row whose field
/// count differs from the header's is handed to `mismatched` rather than guessed at.
public enum CSVReader {
    public static func read<Source: ByteSource>(
        _ source: inout Source, file: String,
        header onHeader: (CSVHeader, Int) throws -> Void,
        row onRow: (CSVRow) throws -> Void,
        mismatched: (CSVRecord, Int) throws -> Void
    ) throws {
        var parser = CSVParser(file: file)
        var header: CSVHeader?
        func handle(_ record: CSVRecord) throws {
            guard let header else {
                let parsed = CSVHeader(record)
                header = parsed
                try onHeader(parsed, record.line)
                return
            }
            if record.fields.count == header.names.count {
                try onRow(CSVRow(record: record, header: header))
            } else {
                try mismatched(record, header.names.count)
            }
        }
        while let chunk = try source.nextChunk() {
            try parser.feed(chunk, emit: handle)
        }
        try parser.finish(emit: handle)
        if header == nil {
            throw ImportError(file: file, line: 1, field: nil, message: "the file is empty: expected a header row")
        }
    }
}
