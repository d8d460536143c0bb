/// `.env` files, where agent code (and most other code) keeps its keys: `NAME=value` lines, with
/// `export `, quotes and `#` comments. Templates (`.env.example`, `.env.sample`, …) hold
/// placeholders by design and are scanned as text only.
enum EnvFile {
    static let templateSuffixes = [".example", ".sample", ".template", ".dist", ".tmpl", ".defaults"]

    static func applies(to path: String) -> Bool {
        let start = path.lastIndex(where: { $0 == "/" || $0 == "!" }).map(path.index(after:)) ?? path.startIndex
        let name = path[start...]
        guard name == ".env" || name.hasPrefix(".env.") else { return false }
        return !templateSuffixes.contains { name.hasSuffix($0) }
    }

    /// Every assignment, named by its variable.
    static func settings(in bytes: [UInt8]) -> [AgentSetting] {
        var settings: [AgentSetting] = []
        for (index, raw) in String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = raw.drop(while: { $0 == " " || $0 == "\t" })
            if line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = line.dropFirst(7) }
            guard let equals = line.firstIndex(of: "=") else { continue }
            let name = line[..<equals].trimmingCharacters(in: " \t")
            guard !name.isEmpty, !name.contains(" ") else { continue }
            var value = line[line.index(after: equals)...].trimmingCharacters(in: " \t\r")
            if let quote = value.first, quote == "\"" || quote == "'" {
                let body = value.dropFirst()
                value = body.firstIndex(of: quote).map { String(body[..<$0]) } ?? String(body)
            } else if let comment = value.range(of: " #") {
                value = String(value[..<comment.lowerBound])
            }
            settings.append(AgentSetting(context: name, name: name, value: value, line: index + 1))
        }
        return settings
    }
}

private extension Substring {
    func trimmingCharacters(in set: String) -> String {
        String(drop(while: { set.contains($0) }).reversed().drop(while: { set.contains($0) }).reversed())
    }
}
