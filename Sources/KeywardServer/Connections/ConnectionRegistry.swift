import KeywardSettings
import NIOCore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The connections one server holds, and the policy at its limit.
///
/// Every accepted connection is admitted here by its ``ConnectionGuard`` before anything is
/// read from it. Below the limit that is all. At the limit the new connection is admitted in
/// place of one that costs the server something without asking anything of it, in this order:
///
/// 1. the kept-alive connection that has been idle longest (its client can reconnect at no
///    loss: it has no request in progress);
/// 2. the connection that has waited longest for a request head it has not finished sending
///    (a slow-header client holds nothing the server has committed to, and a client that
///    sends its head at once is never the one that has waited longest);
///
/// and when every connection is busy with a request (reading its body or answering it), the
/// new connection is answered `503` and closed. So a crowd of slow or idle sockets, however
/// large, cannot keep a prompt client out, and a request once started is never cut short for
/// a newcomer.
///
/// The registry's lock is taken only when a connection opens or closes; a connection's phase
/// is published through atomics that only an admission at the limit reads.
final class ConnectionRegistry: Sendable {
    /// One connection as the registry sees it.
    final class Entry: Sendable {
        enum Phase: UInt8 {
            /// Kept alive between requests: closed first at the limit.
            case idle = 0
            /// Waiting for a request head to be complete: closed next, oldest first.
            case awaitingHead = 1
            /// Reading a request body or answering: never closed for a newcomer.
            case busy = 2
        }

        let channel: any Channel
        private let phaseValue = Atomic<UInt8>(Phase.awaitingHead.rawValue)
        private let sinceValue = Atomic<UInt64>(0)

        init(channel: any Channel, now: NIODeadline) {
            self.channel = channel
            sinceValue.store(now.uptimeNanoseconds, ordering: .relaxed)
        }

        func publish(_ phase: Phase, since: NIODeadline) {
            phaseValue.store(phase.rawValue, ordering: .relaxed)
            sinceValue.store(since.uptimeNanoseconds, ordering: .relaxed)
        }

        var phase: Phase { Phase(rawValue: phaseValue.load(ordering: .relaxed)) ?? .busy }
        var since: UInt64 { sinceValue.load(ordering: .relaxed) }
    }

    enum Admission {
        case admitted
        /// Admitted in place of `victim`, which the caller closes.
        case replacing(Entry)
        case refused
    }

    let limit: Int
    private let entries = Mutex<[ObjectIdentifier: Entry]>([:])

    /// `limit` lowered, when the process may open fewer files, to leave room for the database,
    /// webhook deliveries and log files: a full descriptor table would refuse connections
    /// blindly, where the registry refuses them by its policy.
    init(limit: Int) {
        self.limit = min(limit, Self.descriptorAllowance())
    }

    static func descriptorAllowance() -> Int {
        var limits = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limits) == 0, limits.rlim_cur < rlim_t(Int32.max) else { return .max }
        let files = Int(clamping: limits.rlim_cur)
        return max(16, files - max(64, files / 8))
    }

    var count: Int { entries.withLock { $0.count } }

    func admit(_ entry: Entry) -> Admission {
        entries.withLock { table in
            guard table.count >= limit else {
                table[ObjectIdentifier(entry)] = entry
                return .admitted
            }
            guard let victim = Self.victim(in: table.values) else { return .refused }
            table[ObjectIdentifier(victim)] = nil
            table[ObjectIdentifier(entry)] = entry
            return .replacing(victim)
        }
    }

    func remove(_ entry: Entry) {
        _ = entries.withLock { $0.removeValue(forKey: ObjectIdentifier(entry)) }
    }

    /// The idle connection idle longest, else the one longest waiting for its request head.
    static func victim(in entries: some Sequence<Entry>) -> Entry? {
        var best: (entry: Entry, phase: Entry.Phase, since: UInt64)?
        for entry in entries {
            let phase = entry.phase
            guard phase != .busy else { continue }
            let since = entry.since
            if let current = best, (current.phase.rawValue, current.since) <= (phase.rawValue, since) { continue }
            best = (entry, phase, since)
        }
        return best?.entry
    }
}
