/// A point in time, in whole milliseconds since the Unix epoch, UTC.
///
/// keyward stores and compares times as integers so that SQLite and PostgreSQL agree exactly,
/// and renders them as ISO 8601 (`2026-11-29T18:06:26Z`) at the edges. Parsing and formatting
/// are done here rather than with Foundation's formatters: they are on import paths that handle
/// millions of rows, and they must accept every variant the imported formats use
/// (`Z`, `+00:00`, fractional seconds, date-only).
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var millisecondsSinceEpoch: Int64
    public init(millisecondsSinceEpoch: Int64) { self.millisecondsSinceEpoch = millisecondsSinceEpoch }

    public init(secondsSinceEpoch: Int64) { self.millisecondsSinceEpoch = secondsSinceEpoch * 1000 }
    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.millisecondsSinceEpoch < rhs.millisecondsSinceEpoch }

    public func adding(seconds: Int64) -> Timestamp {
        let (product, overflow1) = seconds.multipliedReportingOverflow(by: 1000)
        let (sum, overflow2) = millisecondsSinceEpoch.addingReportingOverflow(product)
        if overflow1 || overflow2 { return seconds > 0 ? .distantFuture : .distantPast }
        return Timestamp(millisecondsSinceEpoch: sum)
    }

    public func adding(milliseconds: Int64) -> Timestamp {
        let (sum, overflow) = millisecondsSinceEpoch.addingReportingOverflow(milliseconds)
        if overflow { return milliseconds > 0 ? .distantFuture : .distantPast }
        return Timestamp(millisecondsSinceEpoch: sum)
    }

    /// Whole seconds from `other` to `self` (negative when `self` is earlier).
    public func seconds(since other: Timestamp) -> Int64 { (millisecondsSinceEpoch - other.millisecondsSinceEpoch) / 1000 }

    /// Year 9999, the largest time ISO 8601 can write with four year digits.
    public static let distantFuture = Timestamp(millisecondsSinceEpoch: 253_402_300_799_000)
    public static let distantPast = Timestamp(millisecondsSinceEpoch: 0)

    public var description: String { iso8601 }

    /// `YYYY-MM-DDTHH:MM:SSZ`, whole seconds (fractions are dropped so that every common
    /// ISO 8601 reader, including Foundation's `.iso8601` strategy, accepts the output).
    public var iso8601: String {
        // Straight into the string's storage: findings' messages format dates millions of times.
        String(unsafeUninitializedCapacity: Timestamp.iso8601Length) { formatISO8601(into: UnsafeMutableRawBufferPointer($0)) }
    }

    /// Appends the ISO 8601 form to `bytes` without allocating a String.
    public func writeISO8601(into bytes: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Timestamp.iso8601Length) { buffer in
            let count = formatISO8601(into: UnsafeMutableRawBufferPointer(buffer))
            bytes.append(contentsOf: buffer.prefix(count))
        }
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` is always 20 bytes.
    public static let iso8601Length = 20

    /// Writes the ISO 8601 form into `out` (at least 20 bytes) and returns the bytes written.
    public func formatISO8601(into out: UnsafeMutableRawBufferPointer) -> Int {
        let totalSeconds = millisecondsSinceEpoch >= 0 ? millisecondsSinceEpoch / 1000 : (millisecondsSinceEpoch - 999) / 1000
        let days = totalSeconds >= 0 ? totalSeconds / 86_400 : (totalSeconds - 86_399) / 86_400
        let secondsOfDay = totalSeconds - days * 86_400
        let (year, month, day) = Timestamp.civil(fromDays: days)
        let y = max(0, min(9999, year))
        func put(_ value: Int64, _ at: Int) {
            out[at] = UInt8(48 + value / 10)
            out[at + 1] = UInt8(48 + value % 10)
        }
        put(y / 100, 0)
        put(y % 100, 2)
        out[4] = UInt8(ascii: "-")
        put(month, 5)
        out[7] = UInt8(ascii: "-")
        put(day, 8)
        out[10] = UInt8(ascii: "T")
        put(secondsOfDay / 3600, 11)
        out[13] = UInt8(ascii: ":")
        put((secondsOfDay / 60) % 60, 14)
        out[16] = UInt8(ascii: ":")
        put(secondsOfDay % 60, 17)
        out[19] = UInt8(ascii: "Z")
        return Timestamp.iso8601Length
    }

    /// Howard Hinnant's days-from-civil algorithm (proleptic Gregorian calendar).
    static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Parses ISO 8601 / RFC 3339 date-times: `2026-01-02T03:04:05Z`, `…05.123Z`, `…05+02:00`,
    /// `…05+0000`, a space instead of `T`, and a bare date (`2026-01-02`, midnight UTC).
    /// Returns nil for anything else, including impossible dates such as February 30.
    public init?(iso8601 text: some StringProtocol) {
        var parser = ByteCursor(Array(text.utf8))
        guard let year = parser.digits(4), parser.take(UInt8(ascii: "-")),
              let month = parser.digits(2), parser.take(UInt8(ascii: "-")),
              let day = parser.digits(2),
              (1...12).contains(month), day >= 1, day <= Timestamp.daysIn(month: month, year: year)
        else { return nil }
        var seconds = Timestamp.days(fromCivil: year, month, day) * 86_400
        var millis: Int64 = 0
        if parser.atEnd {
            self.init(millisecondsSinceEpoch: seconds * 1000)
            return
        }
        guard parser.take(UInt8(ascii: "T")) || parser.take(UInt8(ascii: "t")) || parser.take(UInt8(ascii: " ")),
              let hour = parser.digits(2), parser.take(UInt8(ascii: ":")),
              let minute = parser.digits(2), hour < 24, minute < 60
        else { return nil }
        seconds += hour * 3600 + minute * 60
        if parser.take(UInt8(ascii: ":")) {
            guard let second = parser.digits(2), second < 61 else { return nil }
            seconds += min(second, 59)
            if parser.take(UInt8(ascii: ".")) || parser.take(UInt8(ascii: ",")) {
                var scale: Int64 = 100
                var sawDigit = false
                while let digit = parser.digit() {
                    millis += digit * scale
                    scale /= 10
                    sawDigit = true
                }
                guard sawDigit else { return nil }
            }
        }
        if parser.take(UInt8(ascii: "Z")) || parser.take(UInt8(ascii: "z")) {
            // UTC
        } else if let sign = parser.peek, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            parser.advance()
            guard let offsetHours = parser.digits(2), offsetHours < 24 else { return nil }
            _ = parser.take(UInt8(ascii: ":"))
            guard let offsetMinutes = parser.digits(2), offsetMinutes < 60 else { return nil }
            let offset = offsetHours * 3600 + offsetMinutes * 60
            seconds += sign == UInt8(ascii: "+") ? -offset : offset
        } else {
            return nil
        }
        guard parser.atEnd else { return nil }
        self.init(millisecondsSinceEpoch: seconds * 1000 + millis)
    }

    static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

extension Timestamp: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = Timestamp(iso8601: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected an ISO 8601 date-time such as 2026-01-31T12:00:00Z, got \"\(text.prefix(40))\"")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(iso8601)
    }
}

/// A forward-only reader over ASCII bytes for small hand-written parsers.
struct ByteCursor {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { index >= bytes.count }
    var peek: UInt8? { atEnd ? nil : bytes[index] }
    mutating func advance() { index += 1 }

    mutating func take(_ byte: UInt8) -> Bool {
        guard peek == byte else { return false }
        index += 1
        return true
    }

    mutating func digit() -> Int64? {
        guard let byte = peek, byte >= 48, byte <= 57 else { return nil }
        index += 1
        return Int64(byte - 48)
    }

    mutating func digits(_ count: Int) -> Int64? {
        var value: Int64 = 0
        for _ in 0..<count {
            guard let digit = digit() else { return nil }
            value = value * 10 + digit
        }
        return value
    }
}
