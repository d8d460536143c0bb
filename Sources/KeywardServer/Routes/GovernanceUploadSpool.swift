import Foundation
import Hummingbird
import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// An upload written to a private temporary file as it arrives, so that a 500 MB export is
/// imported by the streaming importer without ever being held in memory. The limit is checked
/// while writing, for uploads that announce no length or lie about it; the disk it takes is
/// counted against the ``UploadLimiter``'s total until ``remove()``.
struct UploadSpool {
    let path: String
    let limiter: UploadLimiter
    let bytes: Int

    static func write(_ body: RequestBody, limit: Int, limiter: UploadLimiter) async throws -> UploadSpool {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("keyward-import-\(UUID().uuidString)").path
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            throw APIError(.internalServerError, code: "internal", message: "cannot spool the upload to a temporary file")
        }
        var total = 0
        do {
            defer { close(descriptor) }
            for try await buffer in body {
                guard total + buffer.readableBytes <= limit else {
                    throw APIError(.contentTooLarge, code: "body_too_large", message: "upload is larger than the import limit of \(limit) bytes")
                }
                try limiter.reserve(buffer.readableBytes)
                total += buffer.readableBytes
                try buffer.withUnsafeReadableBytes { bytes in try Self.writeAll(bytes, to: descriptor) }
            }
            guard total > 0 else { throw APIError.badRequest("the upload is empty; send the export file as the request body") }
        } catch {
            UploadSpool(path: path, limiter: limiter, bytes: total).remove()
            throw error
        }
        return UploadSpool(path: path, limiter: limiter, bytes: total)
    }

    private static func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32) throws {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else {
                throw APIError(.internalServerError, code: "internal", message: "cannot spool the upload: \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }

    func remove() {
        unlink(path)
        limiter.release(bytes)
    }
}
