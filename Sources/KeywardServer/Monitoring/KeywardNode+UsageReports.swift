import Foundation
import KeywardAPI
import KeywardCore
import KeywardStore

extension KeywardNode {
    /// Hours a usage report may cover: up to the retention period (35 days by default).
    var maximumUsageHours: Int { configuration.anomalies.retentionDays * 24 }

    /// `GET /v1/keys/{id}/usage`: hourly counts and callers of the last `hours` hours (what has
    /// been flushed, at most one flush interval behind), with the rotation's state when the key
    /// or its predecessor is in a grace period.
    public func keyUsage(id: KeyID, hours: Int, quietSeconds: Int64? = nil) async throws -> KeyUsageObject {
        guard (1...maximumUsageHours).contains(hours) else {
            throw KeywardError.invalidArgument("hours must be between 1 and \(maximumUsageHours), got \(hours)")
        }
        let record = try await keys.key(id: id)
        let now = clock.now()
        let from = now.hourStart.adding(seconds: -3600 * Int64(hours - 1))
        let usage = try await store.keyUsage(id, since: from)
        let rotation = try await rotationUsage(of: record, now: now, quietSeconds: quietSeconds ?? configuration.anomalies.rotationQuietSeconds)
        return KeyUsageObject(keyID: id.description, status: record.status(at: now), hours: hours, from: from, to: now,
                              buckets: Self.buckets(usage.hourly), callers: usage.callers.map(Self.callerObject), moreCallers: usage.moreCallers,
                              callerOverflow: usage.callerOverflow, rotation: rotation, monitoring: true)
    }

    /// The rotation `record` takes part in while its grace runs (as the old key or the new one).
    func rotationUsage(of record: KeyRecord, now: Timestamp, quietSeconds: Int64) async throws -> RotationUsageObject? {
        guard quietSeconds >= 0, quietSeconds <= 90 * 86_400 else {
            throw KeywardError.invalidArgument("quiet_seconds must be between 0 and 7776000 (90 days), got \(quietSeconds)")
        }
        let old: KeyRecord
        let new: KeyRecord
        if record.status(at: now) == .rotating, let successor = record.rotatedTo {
            old = record
            new = try await keys.key(id: successor)
        } else if let predecessor = record.rotatedFrom, let previous = try await store.key(id: predecessor), previous.status(at: now) == .rotating {
            old = previous
            new = record
        } else {
            return nil
        }
        let started = new.createdAt
        let oldUsage = try await store.keyUsage(old.id, since: started)
        let newUsage = try await store.keyUsage(new.id, since: started)
        let presented = present(old)
        let lastUse = [oldUsage.callers.map(\.lastSeen).max(), presented.lastUsedAt].compactMap { $0 }.filter { $0 >= started }.max()
        let quietSince = max(started, lastUse ?? started)
        let safeAt = quietSince.adding(seconds: quietSeconds)
        let safe = now >= safeAt
        let waiting = oldUsage.callers.count + oldUsage.moreCallers
        let advice: String
        if safe {
            advice = lastUse.map { "the old key has not been used since \($0.iso8601) (quiet for at least \(quietSeconds / 60) min): safe to end the grace now" }
                ?? "the old key has not been used since the rotation started \(started.iso8601): safe to end the grace now"
        } else if waiting > 0 {
            advice = "\(waiting) caller(s) still presented the old key since the rotation, last at \(lastUse?.iso8601 ?? "-"): switch them to \(new.id); safe from \(safeAt.iso8601) if the old key is not used again"
        } else {
            advice = "no caller of the old key since the rotation yet; safe from \(safeAt.iso8601) if it stays unused"
        }
        return RotationUsageObject(
            oldKeyID: old.id.description, newKeyID: new.id.description, oldKeyStatus: old.status(at: now), startedAt: started,
            graceEndsAt: old.expiresAt, notYetSwitched: oldUsage.callers.map(Self.callerObject), switched: newUsage.callers.map(Self.callerObject),
            lastOldKeyUse: lastUse, quietSeconds: quietSeconds, safeToEnd: safe, safeAt: safe ? nil : safeAt, advice: advice,
            endCommand: "keyward keys revoke \(old.id) --reason \"rotated to \(new.id)\"")
    }

    /// `GET /v1/keys/{id}/blast-radius`: what revoking the key would break (callers of the last
    /// `days` days, owner, rotation, open findings) and the commands that would do it.
    public func blastRadius(id: KeyID, days: Int = 30) async throws -> BlastRadiusObject {
        guard (1...configuration.anomalies.retentionDays).contains(days) else {
            throw KeywardError.invalidArgument("days must be between 1 and \(configuration.anomalies.retentionDays), got \(days)")
        }
        let record = try await keys.key(id: id)
        let now = clock.now()
        let since = now.adding(seconds: -86_400 * Int64(days))
        let usage = try await store.keyUsage(id, since: since)
        let (entry, findings) = try await store.governanceRead { sql in
            (try await sql.owner(handle: record.owner), try await sql.listFindings(FindingFilter(states: [.open, .acknowledged], subjectID: id.description, limit: 1000)).findings)
        }
        var otherLive = 0
        var filter = KeyFilter()
        filter.owner = record.owner
        filter.limit = 1000
        repeat {
            let page = try await store.listKeys(filter, now: now)
            otherLive += page.keys.filter { $0.id != id && [.active, .rotating].contains($0.status(at: now)) }.count
            filter.cursor = page.nextCursor
        } while filter.cursor != nil
        let counts = usage.hourly.filter { $0.hour >= since.hourStart }
        let owner = BlastRadiusObject.OwnerStatus(handle: record.owner, registered: entry != nil, status: entry?.status, departedAt: entry?.departedAt,
                                                  otherLiveKeys: otherLive)
        return BlastRadiusObject(
            key: present(record), owner: owner, days: days, callers: usage.callers.map(Self.callerObject), moreCallers: usage.moreCallers,
            verifications: counts.reduce(0) { $0 + $1.count }, validVerifications: counts.filter { $0.code == .valid }.reduce(0) { $0 + $1.count },
            rotation: try await rotationUsage(of: record, now: now, quietSeconds: configuration.anomalies.rotationQuietSeconds),
            openFindings: findings,
            commands: .init(revokeKey: "keyward keys revoke \(id) --reason \"…\"",
                            offboardOwner: "keyward owners offboard \(Self.shellQuoted(record.owner)) --reason \"…\""))
    }

    static func buckets(_ counts: [UsageCount]) -> [UsageHourObject] {
        var byHour: [Timestamp: [String: Int64]] = [:]
        for count in counts { byHour[count.hour, default: [:]][count.code.rawValue, default: 0] += count.count }
        return byHour.keys.sorted().map { UsageHourObject(hour: $0, counts: byHour[$0]!) }
    }

    static func callerObject(_ stored: StoredCaller) -> CallerObject {
        CallerObject(id: stored.id, address: stored.caller.address, network: stored.network, label: stored.caller.label,
                     userAgent: stored.caller.agent, environment: stored.caller.environment, firstSeen: stored.firstSeen,
                     lastSeen: stored.lastSeen, count: stored.count, validCount: stored.validCount)
    }

    /// Quotes a value for a POSIX shell when it holds anything but safe characters.
    static func shellQuoted(_ text: String) -> String {
        let safe = text.allSatisfy { $0.isLetter || $0.isNumber || "@._-+:/".contains($0) }
        return safe && !text.isEmpty ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
