/// Runs `operation`, giving up with ``DeadlineExceeded`` after `limit`.
///
/// Used where waiting is worse than failing: a PostgreSQL pool that cannot connect queues
/// requests instead of failing them, and a node that must answer "fail closed" needs that answer
/// in milliseconds, not when the database comes back.
public func withDeadline<T: Sendable>(_ limit: Duration, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw DeadlineExceeded(limit: limit)
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}

public struct DeadlineExceeded: Error, CustomStringConvertible {
    public let limit: Duration
    public var description: String { "no answer within \(limit)" }
}
