import Hummingbird
import Synchronization

/// Bounds inventory uploads being received over HTTP: how many at once
/// (`max_concurrent_imports`) and how much temporary disk they fill together
/// (`import_spool_bytes`). Both refusals are 503 with Retry-After: the server is busy, the
/// upload itself may be fine.
final class UploadLimiter: Sendable {
    let maxUploads: Int
    let maxBytes: Int
    private let state = Mutex<(uploads: Int, bytes: Int)>((0, 0))

    init(maxUploads: Int, maxBytes: Int) {
        self.maxUploads = maxUploads
        self.maxBytes = maxBytes
    }

    /// Takes an upload place (`length`, when announced, must fit in the disk left), or throws
    /// the 503; the caller must call ``leave()`` once done.
    func enter(announcing length: Int?) throws(APIError) {
        let refusal = state.withLock { state -> APIError? in
            guard state.uploads < maxUploads else {
                return APIError(.serviceUnavailable, code: "too_many_uploads", message:
                    "\(maxUploads) inventory uploads are being received already (max_concurrent_imports); retry shortly", headers: [.retryAfter: "5"])
            }
            if let length, length > maxBytes - state.bytes {
                return Self.spoolFull(maxBytes)
            }
            state.uploads += 1
            return nil
        }
        if let refusal { throw refusal }
    }

    func leave() {
        state.withLock { $0.uploads -= 1 }
    }

    /// Takes `bytes` of temporary disk, or throws the 503.
    func reserve(_ bytes: Int) throws(APIError) {
        let granted = state.withLock { state -> Bool in
            guard bytes <= maxBytes - state.bytes else { return false }
            state.bytes += bytes
            return true
        }
        guard granted else { throw Self.spoolFull(maxBytes) }
    }

    func release(_ bytes: Int) {
        guard bytes > 0 else { return }
        state.withLock { $0.bytes -= bytes }
    }

    private static func spoolFull(_ limit: Int) -> APIError {
        APIError(.serviceUnavailable, code: "upload_space_exhausted", message:
            "uploads being received would need more than the \(limit) bytes of temporary disk allowed (import_spool_bytes); retry shortly",
            headers: [.retryAfter: "30"])
    }
}
