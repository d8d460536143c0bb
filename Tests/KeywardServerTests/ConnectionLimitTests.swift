import Foundation
import KeywardCore
import KeywardSettings
import NIOCore
import NIOEmbedded
import Testing
@testable import KeywardServer

/// The deadlines and the connection limit of ``ConnectionGuard`` and ``ConnectionRegistry``,
/// on a real server over loopback sockets.
@Suite("Connection limits", .timeLimit(.minutes(2)))
struct ConnectionLimitTests {
    @Test("a connection sending its request head a byte at a time is closed after header_timeout_ms")
    func slowHeader() async throws {
        try await ServerFixture.withLive(configure: { $0.limits.headerTimeoutMilliseconds = 300 }) { _, port in
            let socket = try await HeldSocket.open(port: port)
            defer { Task { await socket.close() } }
            let head = Array("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + String(repeating: "a", count: 400))
            for byte in head where !socket.isClosed {
                try await socket.send(String(byte))
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(socket.isClosed, "the head never completed, yet the connection was kept")
            #expect(!socket.received.contains("200 OK"))
        }
    }

    @Test("a request body that stops arriving is closed after body_timeout_ms")
    func slowBody() async throws {
        try await ServerFixture.withLive(configure: { $0.limits.bodyTimeoutMilliseconds = 300 }) { fixture, port in
            let socket = try await HeldSocket.open(port: port, sending:
                "POST /v1/keys HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(fixture.admin)\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{")
            defer { Task { await socket.close() } }
            #expect(try await socket.waitUntilClosed())
        }
    }

    @Test("a kept-alive connection is closed after idle_timeout_ms, and one that answers promptly is not cut short")
    func idle() async throws {
        try await ServerFixture.withLive(configure: { $0.limits.idleTimeoutMilliseconds = 300 }) { _, port in
            let socket = try await HeldSocket.open(port: port, sending: rawRequest("GET", "/healthz"))
            defer { Task { await socket.close() } }
            #expect(try await socket.eventually { socket.received.contains("200 OK") })
            #expect(try await socket.waitUntilClosed())
        }
    }

    @Test("at max_connections an idle kept-alive connection is closed to admit a new one; a half-sent head goes next, a busy request never")
    func limitPolicy() async throws {
        try await ServerFixture.withLive(configure: { $0.limits.maxConnections = 2 }) { fixture, port in
            let idle = try await HeldSocket.open(port: port, sending: rawRequest("GET", "/healthz"))
            #expect(try await idle.eventually { idle.received.contains("200 OK") })
            let slow = try await HeldSocket.open(port: port, sending: "GET /healthz HTTP/1.1\r\n")
            try await Task.sleep(for: .milliseconds(100))

            let answer = try await RawHTTPConnection.with(port: port) { connection in
                try await connection.send(rawRequest("GET", "/healthz"))
                return try await connection.answer()
            }
            #expect(answer?.status == 200)
            #expect(try await idle.waitUntilClosed(), "the idle connection goes first")
            #expect(!slow.isClosed, "the half-sent head was not needed")
            try await slow.send("Host: 127.0.0.1\r\n\r\n")
            #expect(try await slow.eventually { slow.received.contains("200 OK") }, "and finishes its request")

            // Now `slow` is idle: the second of two requests busy reading their bodies replaces it.
            let busyRequest = "POST /v1/keys HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(fixture.admin)\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"
            let busy1 = try await HeldSocket.open(port: port, sending: busyRequest)
            try await Task.sleep(for: .milliseconds(100))
            let busy2 = try await HeldSocket.open(port: port, sending: busyRequest)
            #expect(try await slow.waitUntilClosed())
            try await Task.sleep(for: .milliseconds(100))
            let refused = try await HeldSocket.open(port: port)
            #expect(try await refused.waitUntilClosed())
            #expect(refused.received.hasPrefix("HTTP/1.1 503"))
            #expect(refused.received.contains("too_many_connections"))
            #expect(!busy1.isClosed && !busy2.isClosed, "a request in progress is never cut short for a newcomer")
            for socket in [idle, slow, busy1, busy2, refused] { await socket.close() }
        }
    }

    @Test("/healthz answers while more slow sockets than max_connections are held")
    func healthUnderSlowSockets() async throws {
        try await ServerFixture.withLive(configure: { $0.limits.maxConnections = 16 }) { _, port in
            var sockets: [HeldSocket] = []
            for _ in 0..<40 { sockets.append(try await HeldSocket.open(port: port, sending: "GET /healthz HTTP/1.1\r\nX-Slow: ")) }
            for _ in 0..<5 {
                let answer = try await RawHTTPConnection.with(port: port) { connection in
                    try await connection.send(rawRequest("GET", "/healthz"))
                    return try await connection.answer()
                }
                #expect(answer?.status == 200)
            }
            for socket in sockets { await socket.close() }
        }
    }

    @Test("the registry closes the longest-idle connection first, then the longest-waiting head, never a busy one")
    func victimOrder() async throws {
        let channel = EmbeddedChannel()
        let entries = (0..<4).map { _ in ConnectionRegistry.Entry(channel: channel, now: .uptimeNanoseconds(0)) }
        entries[0].publish(.busy, since: .uptimeNanoseconds(1))
        entries[1].publish(.awaitingHead, since: .uptimeNanoseconds(2))
        entries[2].publish(.idle, since: .uptimeNanoseconds(5))
        entries[3].publish(.idle, since: .uptimeNanoseconds(3))
        #expect(ConnectionRegistry.victim(in: entries) === entries[3])
        #expect(ConnectionRegistry.victim(in: entries[0...1]) === entries[1])
        #expect(ConnectionRegistry.victim(in: entries[0...0]) == nil)
        let registry = ConnectionRegistry(limit: 2)
        #expect(registry.limit == 2)
        guard case .admitted = registry.admit(entries[0]), case .admitted = registry.admit(entries[1]) else { Issue.record("below the limit"); return }
        guard case .replacing(let victim) = registry.admit(entries[2]) else { Issue.record("at the limit"); return }
        #expect(victim === entries[1])
        #expect(registry.count == 2)
    }
}
