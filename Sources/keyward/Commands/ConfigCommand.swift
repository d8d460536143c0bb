import ArgumentParser
import Foundation
import KeywardCore
import KeywardDeployment
import KeywardPolicy
import KeywardServer
import KeywardSettings

/// `keyward config …`: the effective configuration and its origins, a file checked without
/// starting anything, and the reference page generated from the settings table.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Show the effective configuration, check a configuration file, print the settings reference.",
        subcommands: [Show.self, Check.self, Reference.self]
    )

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print every setting's effective value and where it came from (flag, env, file:line, default); secrets redacted.",
            discussion: "Takes the flags of `keyward serve`, so `keyward config show --port 9000` shows what `serve --port 9000` would run with."
        )
        @OptionGroup var options: ServerOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let settings = try options.resolve().effectiveSettings
            if output.json {
                try Output.json(settings.map(EffectiveSettingObject.init))
                return
            }
            let width = settings.map(\.name.count).max() ?? 0
            for setting in settings {
                let value = ConfigurationReference.render(setting.value)
                let padded = setting.name.padding(toLength: width, withPad: " ", startingAt: 0)
                print("\(padded)  \(value.isEmpty ? "-" : value)\t(\(setting.origin))")
            }
        }
    }

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a configuration file without starting anything: every problem with its line, exit 2 when there is one.",
            discussion: "Checks the file alone (not flags or KEYWARD_… variables), including that the policy and GitHub keys files it names load."
        )
        @Argument(help: "The YAML configuration file.") var file: String

        func run() async throws {
            let resolved = try ConfigurationFailure.exitOnError { () throws -> ResolvedConfiguration in
                let loaded = try ConfigurationLoader(file: ConfigurationFile(path: file)).load()
                try Self.checkReferencedFiles(loaded)
                return loaded
            }
            print("\(file): ok (\(resolved.origins.count) settings set)")
        }

        /// The files a configuration names must load as `serve` would load them.
        static func checkReferencedFiles(_ resolved: ResolvedConfiguration) throws {
            let configuration = resolved.configuration
            var problems: [ConfigurationError.Problem] = []
            if let path = configuration.policyPath {
                do {
                    _ = try PolicyLoader.load(file: path)
                } catch {
                    problems += resolved.problem("policy", "\(error)").problems
                }
            }
            do {
                _ = try configuration.leaks.checkGitHubKeys()
            } catch {
                problems += resolved.problem("github_keys_file", "\(error)").problems
            }
            guard problems.isEmpty else { throw ConfigurationError(problems) }
        }
    }

    struct Reference: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print docs/configuration.md: every setting with its flag, variable, values and default."
        )

        func run() {
            print(ConfigurationReference.markdown(), terminator: "")
        }
    }
}

/// One setting in `keyward config show --json`.
struct EffectiveSettingObject: Encodable {
    var name: String
    var value: JSONValue
    /// `default`, `flag`, `env` or `file`.
    var origin: String
    /// The flag, variable or file (with `line`) the value came from.
    var source: String?
    var line: Int?

    init(_ setting: EffectiveSetting) {
        name = setting.name
        value = setting.value
        switch setting.origin {
        case .default: origin = "default"
        case .flag(let flag): origin = "flag"; source = flag
        case .environment(let variable): origin = "env"; source = variable
        case .file(let path, let number): origin = "file"; source = path; line = number
        }
    }
}
