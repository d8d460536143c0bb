import Dispatch

/// Runs long CPU-bound work (parsing a million-row export, evaluating a policy over a million
/// credentials) on a Dispatch thread instead of the cooperative pool, whose few threads also
/// serve every HTTP request: an 11-second import must not halve the server's capacity.
enum Offload {
    static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .utility).async {
                continuation.resume(with: Result { try work() })
            }
        }
    }
}
