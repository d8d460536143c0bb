import ArgumentParser
import KeywardStore

/// What this binary is: `keyward --version` prints the version alone, `keyward version [--json]`
/// also the database schema it reads and writes, and the compiler that built it.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Print keyward's version, the database schema version and the Swift version it was built with."
    )

    @OptionGroup var output: OutputOptions

    func run() throws {
        let info = BuildInfo.current
        if output.json {
            try Output.json(info)
        } else {
            print("keyward \(info.version)")
            print("commit: \(info.commit ?? "unknown")")
            print("schema version: \(info.schemaVersion)")
            print("swift: \(info.swiftVersion)")
        }
    }
}

/// The facts `keyward version` prints.
struct BuildInfo: Encodable {
    /// The release this source tree is; bump it with every release.
    static let version = "0.3.0"

    var version: String
    /// The git commit, when the build recorded one. SwiftPM gives a build no way to ask git
    /// without a plugin, so a plain `swift build` leaves it unknown.
    var commit: String?
    var schemaVersion: Int
    var swiftVersion: String

    static var current: BuildInfo {
        BuildInfo(version: version, commit: nil, schemaVersion: Migrations.latestVersion, swiftVersion: compilerVersion)
    }

    enum CodingKeys: String, CodingKey {
        case version, commit, schemaVersion = "schema_version", swiftVersion = "swift_version"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(version, forKey: .version)
        try container.encode(commit, forKey: .commit)
        try container.encode(schemaVersion, forKey: .schemaVersion)
        try container.encode(swiftVersion, forKey: .swiftVersion)
    }

    /// The language version of the compiler, as far as conditional compilation can tell.
    static var compilerVersion: String {
        #if compiler(>=6.4)
        ">= 6.4"
        #elseif compiler(>=6.3)
        "6.3"
        #elseif compiler(>=6.2)
        "6.2"
        #elseif compiler(>=6.1)
        "6.1"
        #else
        "6.0"
        #endif
    }
}
