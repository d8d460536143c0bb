import Foundation

/// Whether the address `serve` is about to listen on is free, asked before anything else
/// happens: on a new database the first start prints a bootstrap key, and a port that turns out
/// to be taken after that leaves a person with a printed key and no server.
enum PortCheck {
    /// Nil when `host:port` can be bound now (or port 0, which always can); otherwise why not.
    /// The socket is bound with SO_REUSEADDR, as the server's is, so a port in TIME_WAIT after a
    /// restart is not mistaken for a taken one.
    static func problem(host: String, port: Int) -> String? {
        guard port != 0 else { return nil }
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else { return nil }
        defer { freeaddrinfo(list) }
        let fd = socket(first.pointee.ai_family, first.pointee.ai_socktype, first.pointee.ai_protocol)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        guard bind(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) != 0 else { return nil }
        let code = errno
        switch code {
        case EADDRINUSE:
            return "cannot listen on \(host):\(port): address already in use (another keyward or another program listens there); stop it or choose another port with --port"
        case EACCES:
            return "cannot listen on \(host):\(port): permission denied (ports below 1024 need privileges); choose another port with --port"
        case EADDRNOTAVAIL:
            return "cannot listen on \(host):\(port): this machine has no such address; choose another with --host"
        default:
            return "cannot listen on \(host):\(port): \(String(cString: strerror(code)).lowercased())"
        }
    }
}
