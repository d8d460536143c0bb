#if canImport(Glibc)
import Glibc
#endif
import KeywardCore
import KeywardImport

/// Writes a synthetic AWS credential report in the exact 22-column format, for benchmarks and
/// load tests: `rows` users, a root row first, about 30 % with a second key, 10 % with a console
/// password, a spread of creation and last-use times. Deterministic for a given seed.
public struct CredentialReportGenerator {
    public var rows: Int
    public var seed: UInt64
    public var now: Timestamp

    public init(rows: Int, seed: UInt64 = 0x6B65_7977_6172_64, now: Timestamp) {
        self.rows = rows
        self.seed = seed
        self.now = now
    }

    /// Writes the report to `path` in 1 MiB batches and returns its size in bytes.
    @discardableResult
    public func write(to path: String) throws -> Int64 {
        guard let file = fopen(path, "w") else {
            throw ImportError(file: path, line: nil, field: nil, message: "cannot create the file")
        }
        defer { fclose(file) }
        var random = SplitMix64(seed: seed)
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 20 + 4096)
        var written: Int64 = 0
        func flush() {
            buffer.withUnsafeBytes { _ = fwrite($0.baseAddress, 1, $0.count, file) }
            written += Int64(buffer.count)
            buffer.removeAll(keepingCapacity: true)
        }
        buffer.append(contentsOf: Self.header.utf8)
        buffer.append(contentsOf: "<root_account>,arn:aws:iam::123456789012:root,2019-01-01T00:00:00+00:00,not_supported,2026-01-01T00:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n".utf8)
        for index in 1..<max(1, rows) {
            appendRow(index, random: &random, into: &buffer)
            if buffer.count >= 1 << 20 { flush() }
        }
        flush()
        return written
    }

    private func appendRow(_ index: Int, random: inout SplitMix64, into buffer: inout [UInt8]) {
        let user = "svc-\(index)"
        let created = now.adding(seconds: -Int64(random.next(below: 3 * 365 * 86_400)) - 86_400)
        var fields: [String] = [user, "arn:aws:iam::123456789012:user/\(user)", time(created)]
        let password = random.next(below: 10) == 0
        fields += [password ? "true" : "false", password ? time(created.adding(seconds: 3600)) : "N/A",
                   password ? time(created) : "N/A", "N/A", password ? "true" : "false"]
        // Key 1 is created in the first half of the user's life, key 2 in the second: two keys of
        // one user never share a creation second, which is what joins them across files.
        let middle = created.adding(seconds: now.seconds(since: created) / 2)
        fields += key(from: created, until: middle, random: &random, present: true)
        fields += key(from: middle.adding(seconds: 1), until: now, random: &random, present: random.next(below: 10) < 3)
        fields += ["false", "N/A", "false", "N/A"]
        var first = true
        for field in fields {
            if !first { buffer.append(UInt8(ascii: ",")) }
            first = false
            buffer.append(contentsOf: field.utf8)
        }
        buffer.append(UInt8(ascii: "\n"))
    }

    private func key(from start: Timestamp, until end: Timestamp, random: inout SplitMix64, present: Bool) -> [String] {
        guard present else { return ["false", "N/A", "N/A", "N/A", "N/A"] }
        let rotated = start.adding(seconds: Int64(random.next(below: UInt64(max(1, end.seconds(since: start))))))
        let active = random.next(below: 10) < 8
        guard random.next(below: 4) > 0 else { return [active ? "true" : "false", time(rotated), "N/A", "N/A", "N/A"] }
        let used = rotated.adding(seconds: Int64(random.next(below: UInt64(max(1, now.seconds(since: rotated))))))
        return [active ? "true" : "false", time(rotated), time(used), "eu-west-1", "s3"]
    }

    /// The header line AWS writes, spelled out here rather than taken from the importer, so that
    /// a column the importer misnames shows up as a rejected benchmark file.
    static let header = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,"
        + "mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,"
        + "access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
        + "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n"

    /// `2026-01-31T12:00:00+00:00`, the form AWS writes.
    private func time(_ value: Timestamp) -> String {
        String(value.iso8601.dropLast()) + "+00:00"
    }
}
