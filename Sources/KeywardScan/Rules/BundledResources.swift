import Foundation

/// Finds the bundled rules file.
///
/// An installed `keyward` binary looks for `keyward_KeywardScan.resources` next to itself first,
/// so that the binary and its resource folder can be copied together anywhere; in a build tree
/// the package's generated `Bundle.module` knows the build location.
enum BundledResources {
    static let bundleName = "keyward_KeywardScan.resources"

    static func rulesData() throws -> Data {
        let besideExecutable = Bundle.main.bundleURL.appendingPathComponent(bundleName).appendingPathComponent("Resources/rules.json")
        if let data = FileManager.default.contents(atPath: besideExecutable.path) { return data }
        guard let url = Bundle.module.url(forResource: "rules", withExtension: "json", subdirectory: "Resources"),
              let data = FileManager.default.contents(atPath: url.path)
        else {
            throw RuleError.unreadable(path: besideExecutable.path, reason: "the bundled rules are missing; install \(bundleName) next to the keyward binary")
        }
        return data
    }
}
