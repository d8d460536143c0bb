import ArgumentParser
import Foundation
import KeywardCore
import KeywardDeployment
import KeywardGovernance
import KeywardImport
import KeywardPolicy
import KeywardSettings
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
        } catch let error as SealedSecretError {
            Output.error(error.description)
        } catch let error as MasterKeyError {
            Output.error(error.description)
        } catch let error as ConfigurationError {
            for problem in error.problems { Output.error(problem.description) }
        }
        throw ExitCode(2)
    }
}

struct GovernanceCommandError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// `--db PATH` / `--database-url URL`: the governance service on the database itself, for
/// offline use (no server). The deployment is opened as `serve` opens it (``Deployment``),
/// configured by the same `KEYWARD_…` variables and file, so the key prefix and policy are the
/// server's; writes go through the same service, with the same transactions and audit events,
/// and a running server notices them at its next scheduled evaluation.
enum LocalGovernance {
    /// - Parameter policy: a policy file that replaces the `policy` setting for this run.
    static func run<T>(_ database: DatabaseOption, policy: String? = nil, _ body: (GovernanceService) async throws -> T) async throws -> T {
        let resolved = try database.resolve(policy: policy)
        let logger = Logger.keyward(level: resolved.configuration.logLevel, quiet: true, label: "keyward.governance")
        return try await Deployment.with(resolved, existing: true, logger: logger) { try await body($0.governance) }
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

/// The options of commands that can work on a database directly instead of through a server.
struct DatabaseOption: ParsableArguments {
    @Option(name: .long, help: "Work on this SQLite database file directly instead of a server (offline).")
    var db: String?

    @Option(name: .long, help: "Work on this PostgreSQL database directly instead of a server (offline).")
    var databaseURL: String?

    var isOffline: Bool { db != nil || databaseURL != nil }

    /// The deployment's configuration with these flags (and `policy` over the policy setting).
    func resolve(policy: String? = nil, config: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ResolvedConfiguration {
        var flags: [String: String] = [:]
        flags["db"] = db
        flags["database_url"] = databaseURL
        flags["policy"] = policy
        return try ConfigurationLoader(flags: flags, configPath: config, environment: environment).load()
    }
}

extension ImportKind: ExpressibleByArgument {}
extension FindingSeverity: ExpressibleByArgument {}
extension InventoryProvider: ExpressibleByArgument {}
extension InventoryStatus: ExpressibleByArgument {}
extension FindingState: ExpressibleByArgument {}
extension OwnerEntry.Status: ExpressibleByArgument {}
extension Attestation.Decision: ExpressibleByArgument {}
