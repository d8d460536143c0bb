import AsyncHTTPClient
import Foundation
import NIOCore

/// Why a request never reached the server, in the words a person acts on ("connection refused",
/// "timed out") rather than the layers of NIO errors that carry it
/// (`connection reset (error set): Connection refused (errno: 111)`).
enum ConnectionFailure {
    static func reason(_ error: any Error) -> String {
        if let code = errno(in: error) { return describe(errno: code) }
        if let client = error as? HTTPClientError {
            switch client {
            case .connectTimeout, .deadlineExceeded, .readTimeout, .writeTimeout: return "timed out"
            case .remoteConnectionClosed: return "the connection was closed before an answer (is it an HTTP server?)"
            default: break
            }
        }
        return String(describing: error)
    }

    /// `connection refused` for ECONNREFUSED: the system's text for the code, in lower case.
    static func describe(errno code: Int32) -> String {
        switch code {
        case ECONNREFUSED: return "connection refused"
        case ETIMEDOUT: return "timed out"
        case EHOSTUNREACH: return "host unreachable"
        case ENETUNREACH: return "network unreachable"
        case ECONNRESET: return "connection reset by the server"
        default: return String(cString: strerror(code)).lowercased()
        }
    }

    /// The errno of the first `IOError` inside `value` (NIO wraps it in connection errors that
    /// list one failure per address tried), searched a few levels deep.
    static func errno(in value: Any, depth: Int = 0) -> Int32? {
        if let io = value as? IOError { return io.errnoCode }
        guard depth < 5 else { return nil }
        for child in Mirror(reflecting: value).children {
            if let code = errno(in: child.value, depth: depth + 1) { return code }
        }
        return nil
    }
}
