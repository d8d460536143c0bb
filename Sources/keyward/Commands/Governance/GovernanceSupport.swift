import ArgumentParser
import Foundation
import KeywardCore
import KeywardGovernance
import KeywardImport
import KeywardPolicy
import KeywardStore
import Logging

/// Errors of the governance commands as one clear line on stderr and exit code 2: a file that
/// cannot be imported or a policy that does not load (both naming file, line and field), a
/// refused request, a database problem.
enum GovernanceFailure {
    static func exitOnError<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as ExitCode {
            throw error
        } catch let error as ImportError {
            Output.error(error.description)
        } catch let error as PolicyError {
            Output.error(error.description)
        } catch let error as KeywardError {
            Output.error(error.description)
        } catch let error as StoreError {
            Output.error(error.description)
        } catch let error as GovernanceCommandError {
            Output.error(error.description)
        }
        throw ExitCode(2)
    }
}

struct GovernanceCommandError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// `--db PATH`: the governance service on a database file, for offline use (no server). Writes go
/// through the same service as the server's, with the same transactions and audit events; a
/// running server notices them at its next scheduled evaluation.
enum LocalGovernance {
    static func run<T>(db path: String, policy: LoadedPolicy = .builtIn, _ body: (GovernanceService) async throws -> T) async throws -> T {
        // Opening would create an empty database; a typo should be an error instead.
        guard FileManager.default.fileExists(atPath: path) else { throw GovernanceCommandError("no keyward database at \(path)") }
        var logger = Logger(label: "keyward.governance") { label in StreamLogHandler.standardError(label: label) }
        logger.logLevel = .warning
        let store = try await SQLStore.openSQLite(path: path, logger: logger)
        let clock = SystemClock()
        let keys = KeyService(store: store, lifecycle: try KeyLifecycle(), clock: clock) { _ in }
        let service = GovernanceService(store: store, keys: keys, clock: clock, policy: policy, logger: logger)
        do {
            let result = try await body(service)
            try await store.close()
            return result
        } catch {
            try? await store.close()
            throw error
        }
    }
}

/// `--cursor` and `--all` of the list commands: one page, or every page from `cursor` on, merged.
enum Pages {
    static func collect<Page>(from cursor: String?, all: Bool, _ fetch: (String?) async throws -> Page,
                              next: (Page) -> String?, merge: (inout Page, Page) -> Void) async throws -> Page {
        var result = try await fetch(cursor)
        var following = next(result)
        while all, let position = following {
            let page = try await fetch(position)
            merge(&result, page)
            following = next(page)
        }
        return result
    }
}

/// The `--db` option of the governance commands that can work offline.
struct DatabaseOption: ParsableArguments {
    @Option(name: .long, help: "Work on this database file directly instead of a server (offline).")
    var db: String?
}

extension ImportKind: ExpressibleByArgument {}
extension FindingSeverity: ExpressibleByArgument {}
extension InventoryProvider: ExpressibleByArgument {}
extension InventoryStatus: ExpressibleByArgument {}
extension FindingState: ExpressibleByArgument {}
extension OwnerEntry.Status: ExpressibleByArgument {}
extension Attestation.Decision: ExpressibleByArgument {}
