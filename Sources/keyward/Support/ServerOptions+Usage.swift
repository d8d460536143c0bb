import ArgumentParser
import Foundation
import KeywardCore
import KeywardServer

extension ServerOptions {
    /// The usage-monitoring settings a configuration file may carry.
    static let usageFileKeys: Set<String> = ["anomalies"]

    /// The `anomalies:` mapping of the file (every key of ``AnomalyThresholds``;
    /// docs/ARCHITECTURE.md, "Usage monitoring").
    func resolveUsage(into configuration: inout ServerConfiguration, file: [String: Any]) throws {
        guard let anomalies = file["anomalies"] else { return }
        guard let mapping = anomalies as? [String: Any], JSONSerialization.isValidJSONObject(mapping) else {
            throw ValidationError("anomalies must be a mapping of thresholds (learning_period_seconds, spike_factor, …)")
        }
        let known = Set(["learning_period_seconds", "spike_factor", "spike_minimum_per_hour", "baseline_hours", "guessing_per_hour",
                         "check_interval_seconds", "rotation_quiet_seconds", "retention_days"])
        if let unknown = mapping.keys.filter({ !known.contains($0) }).sorted().first {
            throw ValidationError("anomalies: unknown setting '\(unknown)' (known: \(known.sorted().joined(separator: ", ")))")
        }
        do {
            configuration.anomalies = try JSONDecoder().decode(AnomalyThresholds.self, from: JSONSerialization.data(withJSONObject: mapping))
        } catch let error as KeywardError {
            throw ValidationError("\(error)")
        } catch {
            throw ValidationError("anomalies: each threshold must be a number (\(error))")
        }
    }
}
