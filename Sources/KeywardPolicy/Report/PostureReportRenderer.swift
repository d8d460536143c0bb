import Foundation
import KeywardCore

/// Renders a ``PostureReport`` as `md`, `json` or `html` (`keyward report --format`).
public enum PostureReportRenderer {
    public enum Format: String, Sendable, CaseIterable {
        case markdown = "md", json, html
    }

    public static func render(_ report: PostureReport, as format: Format) throws -> String {
        switch format {
        case .markdown: return MarkdownReport(report: report).render()
        case .html: return HTMLReport(report: report).render()
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            return String(decoding: try encoder.encode(report), as: UTF8.self) + "\n"
        }
    }

    /// Milliseconds with one decimal, as drills report them.
    static func milliseconds(_ value: Double) -> String {
        String(format: "%.1f", value)
    }

    static func percent(_ fraction: Double) -> String {
        String(format: "%.1f%%", fraction * 100)
    }

    static func days(_ value: Double?) -> String {
        value.map { String(format: "%.1f", $0) } ?? "n/a"
    }
}
