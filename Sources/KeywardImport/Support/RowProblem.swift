import KeywardCore

/// Why one row cannot be imported; thrown by field parsers and turned into an
/// ``ImportRejection`` with the row's file and line by the format reader.
struct RowProblem: Error {
    var field: String?
    var reason: String
}

/// Parsers for the value conventions of the exports: ISO 8601 times, `TRUE`/`FALSE`, and the
/// AWS placeholders `N/A`, `no_information` and `not_supported`, which mean "no value" rather
/// than a bad one.
enum FieldValue {
    /// `N/A`, `no_information`, `not_supported` (AWS), `null` and `-`: values that mean "none".
    /// A switch rather than a set: it runs for most cells of a million-row report.
    static func isPlaceholder(_ raw: String) -> Bool {
        switch raw.utf8.count {
        case 1: return raw == "-"
        case 3: return raw == "N/A" || raw == "n/a"
        case 4: return raw == "null"
        case 13: return raw == "not_supported"
        case 14: return raw == "no_information"
        default: return false
        }
    }

    static func text(_ raw: String?) -> String? {
        guard let raw, !raw.isEmpty, !isPlaceholder(raw) else { return nil }
        return raw
    }

    static func time(_ raw: String?, field: String) throws(RowProblem) -> Timestamp? {
        guard let raw = text(raw) else { return nil }
        guard let value = Timestamp(iso8601: raw) else {
            throw RowProblem(field: field, reason: "\"\(raw.prefix(40))\" is not an ISO 8601 date-time (e.g. 2026-01-31T12:00:00+00:00)")
        }
        return value
    }

    static func bool(_ raw: String?, field: String) throws(RowProblem) -> Bool? {
        guard let raw = text(raw) else { return nil }
        switch raw.lowercased() {
        case "true", "yes", "1": return true
        case "false", "no", "0": return false
        default: throw RowProblem(field: field, reason: "\"\(raw.prefix(40))\" is not TRUE or FALSE")
        }
    }

    /// A list written in one cell: `a;b;c` or `a, b` (semicolons first, then commas).
    static func list(_ raw: String?) -> [String] {
        guard let raw = text(raw) else { return [] }
        let separator: Character = raw.contains(";") ? ";" : ","
        return raw.split(separator: separator).map { CSVHeader.normalizeSpaces(String($0)) }.filter { !$0.isEmpty }
    }
}
