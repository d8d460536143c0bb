import Foundation

/// A rule's `paths`: the files it may report in. Checked only when the rule has a candidate, so a
/// rule scoped to `*.tf` costs nothing on the files it never matches.
struct PathFilter: @unchecked Sendable {
    // NSRegularExpression is immutable and documented as safe to use from several threads.
    private let expressions: [NSRegularExpression]

    init(_ patterns: [String]) throws(RuleError) {
        var compiled: [NSRegularExpression] = []
        for pattern in patterns {
            do { compiled.append(try NSRegularExpression(pattern: pattern)) } catch {
                throw RuleError.invalid("paths: \"\(pattern)\" is not a valid regular expression")
            }
        }
        expressions = compiled
    }

    func allows(_ path: String) -> Bool {
        let range = NSRange(path.startIndex..., in: path)
        return expressions.contains { $0.firstMatch(in: path, range: range) != nil }
    }
}
