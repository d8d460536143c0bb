import KeywardCore
import Testing

@Suite("Timestamps")
struct TimestampTests {
    @Test("parses ISO 8601 variants", arguments: [
        ("2026-11-29T18:06:26Z", Int64(1_795_975_586_000)),
        ("2026-11-29T18:06:26.123Z", 1_795_975_586_123),
        ("2026-11-29T18:06:26+00:00", 1_795_975_586_000),
        ("2026-11-29T19:06:26+01:00", 1_795_975_586_000),
        ("2026-11-29T13:06:26-0500", 1_795_975_586_000),
        ("2026-11-29 18:06:26Z", 1_795_975_586_000),
        ("2026-11-29", 1_795_910_400_000),
        ("1970-01-01T00:00:00Z", 0),
        ("2024-02-29T00:00:00Z", 1_709_164_800_000),
    ])
    func parses(text: String, millis: Int64) throws {
        let parsed = try #require(Timestamp(iso8601: text))
        #expect(parsed.millisecondsSinceEpoch == millis)
    }

    @Test("rejects invalid dates", arguments: [
        "", "2026", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2023-02-29T00:00:00Z", "2026-01-01T24:00:00Z",
        "2026-01-01T00:00:00", "2026-01-01T00:00:00Zjunk", "N/A", "no_information", "2026-01-01T00:00:00.Z",
    ])
    func rejects(text: String) {
        #expect(Timestamp(iso8601: text) == nil)
    }

    @Test("formats and round-trips across centuries")
    func roundTrip() throws {
        for seconds in stride(from: Int64(-2_000_000_000), through: 253_402_300_799, by: 7_919_113) {
            let time = Timestamp(secondsSinceEpoch: seconds)
            #expect(Timestamp(iso8601: time.iso8601) == time)
        }
    }

    @Test("adding saturates instead of overflowing")
    func saturates() {
        #expect(Timestamp(millisecondsSinceEpoch: .max - 5).adding(seconds: 10) == .distantFuture)
        #expect(Timestamp(millisecondsSinceEpoch: 0).adding(seconds: .max) == .distantFuture)
    }
}
