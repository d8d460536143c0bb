import AsyncHTTPClient
import Foundation
import NIOCore

/// Debian's headless Chromium and its driver, when installed (`apt-get install chromium
/// chromium-driver`); the browser test is skipped without them.
enum BrowserTools {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static let chromedriver = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static var available: Bool { chromium != nil && chromedriver != nil }
}

/// A chromedriver process on a free port, stopped with the test.
final class ChromedriverProcess: @unchecked Sendable {
    let process = Process()
    let port: Int
    private let output = OutputBuffer()

    var base: String { "http://127.0.0.1:\(port)" }

    init(client: HTTPClient) async throws {
        port = try Self.freePort()
        process.executableURL = URL(fileURLWithPath: BrowserTools.chromedriver!)
        process.arguments = ["--port=\(port)", "--allowed-ips=127.0.0.1"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let output = self.output
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if !data.isEmpty { output.append(data) }
        }
        try process.run()
        // Ready when /status says so; bounded.
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if let status = try? await WebDriver.call(client, .GET, base + "/status", body: nil),
               (status["value"] as? [String: Any])?["ready"] as? Bool == true {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        stop()
        throw WebDriver.Failure.protocolError("chromedriver did not become ready: \(output.text.suffix(2000))")
    }

    /// Stops chromedriver (bounded: SIGKILL after 5 s).
    func stop() {
        if process.isRunning {
            process.terminate()
            _ = waitForExit(process, seconds: 5)
        }
    }

    deinit { stop() }

    /// A port nothing listens on now (bound to port 0 and released).
    static func freePort() throws -> Int {
        let (fd, port) = try LoopbackSocket.bound(listening: false)
        close(fd)
        return port
    }
}

/// A TCP socket on 127.0.0.1 bound to a port the system chose.
enum LoopbackSocket {
    /// The socket (the caller closes it) and its port; with `listening`, it also accepts
    /// connections, so the port is taken for as long as it is open.
    static func bound(listening: Bool) throws -> (fd: Int32, port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw WebDriver.Failure.protocolError("socket failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0, !listening || listen(fd, 8) == 0 else {
            close(fd)
            throw WebDriver.Failure.protocolError("bind or listen failed")
        }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }
}
