import ArgumentParser
import Foundation
import KeywardAPI
import KeywardCore
import KeywardGovernance
import KeywardServer
import KeywardImport

/// `keyward import KIND FILE`: imports another system's export into the inventory.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import an export of AWS, GCP, GitHub or a generic CSV/JSON file into the inventory.",
        discussion: """
            Kinds: \(ImportKind.allCases.map(\.rawValue).joined(separator: ", ")). Formats: docs/governance.md.
            Idempotent: re-importing updates records, marks those no longer listed as disappeared, never duplicates.
            The file is streamed to the server (KEYWARD_ADDR, KEYWARD_TOKEN), or imported into --db PATH offline.
            Exit code 0 when every row imported, 1 when some rows were rejected (the rest imported), \
            2 when the file could not be imported at all (nothing applied).
            """
    )

    @Argument(help: "What the file is: \(ImportKind.allCases.map(\.rawValue).joined(separator: ", ")).") var kind: ImportKind
    @Argument(help: "The export file.") var file: String
    @OptionGroup var database: DatabaseOption
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let result = try await GovernanceFailure.exitOnError {
            guard FileManager.default.isReadableFile(atPath: file) else { throw GovernanceCommandError("cannot read \(file)") }
            if database.isOffline {
                return try await LocalGovernance.run(database) { service in
                    ImportRunObject(try await service.importFile(kind: kind, path: file, fileName: file, by: .system("cli")))
                }
            }
            return try await Client.run { try await $0.importFile(kind: kind.rawValue, path: file, fileName: file) }
        }
        if output.json {
            try Output.json(result)
        } else {
            Self.print(result)
        }
        if result.rejected > 0 { throw ExitCode(1) }
    }

    static func print(_ run: ImportRunObject) {
        Swift.print("imported \(run.kind) from \(run.file) (\(run.id))")
        Swift.print("created \(run.created), updated \(run.updated), unchanged \(run.unchanged), disappeared \(run.disappeared), "
                    + "skipped \(run.skipped), rejected \(run.rejected), findings \(run.findings)")
        for rejection in run.rejections { Swift.print(rejection.description) }
        if run.rejectionsOmitted > 0 { Swift.print("… and \(run.rejectionsOmitted) more rejected rows not listed") }
    }
}
