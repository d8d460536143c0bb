import ArgumentParser
import KeywardGovernance
import KeywardServer

extension ServerOptions {
    /// The governance settings: policy file, evaluation schedule, import limit. A policy file with
    /// an error stops the server before it starts, naming file, line and field (exit 2).
    func resolveGovernance(into configuration: inout ServerConfiguration, file: [String: Any],
                           pick: (String?, String, String) -> String?) throws {
        if let path = pick(policy, "KEYWARD_POLICY", "policy") {
            do {
                _ = try LoadedPolicy.load(file: path)
            } catch {
                Output.error("\(error)")
                throw ExitCode(2)
            }
            configuration.policyPath = path
        }
        if let value = pick(evaluationInterval.map(String.init), "KEYWARD_EVALUATION_INTERVAL", "evaluation_interval") {
            guard let seconds = Int(value), (10...7 * 86_400).contains(seconds) else {
                throw ValidationError("evaluation interval must be 10 to 604800 seconds, got \(value)")
            }
            configuration.evaluationIntervalSeconds = seconds
        }
        if let value = pick(nil, "KEYWARD_EVALUATION_DEBOUNCE_MS", "evaluation_debounce_ms") {
            guard let milliseconds = Int(value), (10...600_000).contains(milliseconds) else {
                throw ValidationError("evaluation_debounce_ms must be between 10 and 600000")
            }
            configuration.evaluationDebounceMilliseconds = milliseconds
        }
        if let value = file["max_import_bytes"] {
            guard let bytes = Int("\(value)"), bytes >= 1 << 20 else { throw ValidationError("max_import_bytes must be an integer >= 1048576") }
            configuration.maxImportBytes = bytes
        }
    }
}
