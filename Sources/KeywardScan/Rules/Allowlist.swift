import Foundation

/// The compiled allow-list: what is never reported, whichever rule finds it.
public struct Allowlist: @unchecked Sendable {
    // NSRegularExpression is immutable and safe to share between threads.
    private let pathExpressions: [NSRegularExpression]
    private let fileNames: Set<String>
    let rules: Set<String>
    let fingerprints: Set<String>
    private let secretExpressions: [NSRegularExpression]
    private let stopwords: [[UInt8]]

    init(_ definition: AllowlistDefinition) throws(RuleError) {
        func compile(_ patterns: [String]?, _ what: String) throws(RuleError) -> [NSRegularExpression] {
            var compiled: [NSRegularExpression] = []
            for pattern in patterns ?? [] {
                do { compiled.append(try NSRegularExpression(pattern: pattern)) } catch {
                    throw RuleError.invalid("allowlist \(what) \"\(pattern)\" is not a valid regular expression")
                }
            }
            return compiled
        }
        pathExpressions = try compile(definition.paths, "path")
        secretExpressions = try compile(definition.regexes, "regex")
        fileNames = Set(definition.fileNames ?? [])
        rules = Set(definition.rules ?? [])
        fingerprints = Set(definition.fingerprints ?? [])
        stopwords = (definition.stopwords ?? []).filter { !$0.isEmpty }.map { Array($0.lowercased().utf8) }
    }

    /// True when nothing in `path` is to be reported.
    public func allows(path: String) -> Bool {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        if fileNames.contains(name) { return true }
        guard !pathExpressions.isEmpty else { return false }
        let range = NSRange(location: 0, length: (path as NSString).length)
        return pathExpressions.contains { $0.firstMatch(in: path, range: range) != nil }
    }

    func allows(secret: UnsafeRawBufferPointer) -> Bool {
        for word in stopwords where AssignmentMatcher.containsFolded(secret, word) { return true }
        guard !secretExpressions.isEmpty else { return false }
        let text = String(decoding: secret, as: UTF8.self)
        let range = NSRange(location: 0, length: (text as NSString).length)
        return secretExpressions.contains { $0.firstMatch(in: text, range: range) != nil }
    }
}
