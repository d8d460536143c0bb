import Foundation
import KeywardCore
import KeywardStore
import SQLKit

/// A real SQLite file in a fresh temporary directory, with a key service on a manual clock.
struct StoreFixture {
    let directory: URL
    let path: String
    let store: SQLStore
    let clock: ManualClock
    let service: KeyService
    let admin = Principal.system("test")

    static func make() async throws -> StoreFixture {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keyward-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("keyward.db").path
        let store = try await SQLStore.openSQLite(path: path)
        let clock = ManualClock()
        let service = KeyService(store: store, lifecycle: try KeyLifecycle(), clock: clock) { _ in }
        return StoreFixture(directory: directory, path: path, store: store, clock: clock, service: service)
    }

    /// Runs `body` on a fresh fixture and closes it afterwards, also when `body` throws.
    static func with(_ body: (StoreFixture) async throws -> Void) async throws {
        let fixture = try await make()
        do {
            try await body(fixture)
        } catch {
            try? await fixture.close()
            throw error
        }
        try await fixture.close()
    }

    func close() async throws {
        try await store.close()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs raw SQL on the file, as an attacker with write access to it would.
    func tamper(_ sql: String) async throws {
        try await store.backend.write { db in try await db.raw(SQLQueryString(sql)).run() }
    }
}

