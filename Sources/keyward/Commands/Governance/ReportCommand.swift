import ArgumentParser
import Foundation
import KeywardCore
import KeywardGovernance
import KeywardPolicy

/// `keyward report`: the governance posture as Markdown, JSON or a self-contained HTML page.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "The posture report: inventory by status, provider, environment and age, expiring keys, findings by severity and framework, top risks, review coverage.",
        discussion: """
            From the server (GET /v1/reports/posture), or offline from --db PATH or --database-url URL. A report reads and never \
            writes: offline it reports the stored findings as last evaluated (keyward findings evaluate --db PATH stores a fresh \
            evaluation) and says on stderr when that was.
            """
    )

    @Option(name: .long, help: "md, json or html (default md).") var format: String = "md"
    @Option(name: .long, help: "Write to this file instead of stdout.") var output: String?
    @OptionGroup var database: DatabaseOption

    func validate() throws {
        guard PostureReportRenderer.Format(rawValue: format) != nil else { throw ValidationError("--format must be md, json or html") }
    }

    func run() async throws {
        let rendered = try await GovernanceFailure.exitOnError { () -> String in
            if database.isOffline {
                return try await LocalGovernance.run(database) { service in
                    let report = try await service.report()
                    Output.note(try await service.lastEvaluatedAt().map { "policy findings as last evaluated at \($0.iso8601)" }
                                ?? "the policy has never been evaluated here: run keyward findings evaluate with the same --db or --database-url")
                    return try PostureReportRenderer.render(report, as: PostureReportRenderer.Format(rawValue: format)!)
                }
            }
            return try await Client.run { try await $0.report(format: format) }
        }
        try GovernanceOutput.write(rendered, to: output)
    }
}

enum GovernanceOutput {
    /// Prints `text`, or writes it to `path` (and says where on stderr).
    static func write(_ text: String, to path: String?) throws {
        guard let path else {
            print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
            return
        }
        do {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            Output.error("cannot write \(path): \(error.localizedDescription)")
            throw ExitCode(2)
        }
        Output.note("wrote \(path)")
    }
}
