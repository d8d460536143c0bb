import Foundation
import Testing
@testable import KeywardSettings

@Suite("docs/configuration.md is the settings table")
struct ConfigurationReferenceTests {
    @Test("the checked-in reference matches the table (regenerate: keyward config reference > docs/configuration.md)")
    func documentationMatchesTable() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let page = try String(contentsOf: root.appendingPathComponent("docs/configuration.md"), encoding: .utf8)
        #expect(page == ConfigurationReference.markdown(), "docs/configuration.md is stale: run `keyward config reference > docs/configuration.md`")
    }

    @Test("every setting is documented with its flag, variable and default")
    func everySettingListed() {
        let page = ConfigurationReference.markdown()
        for setting in KeywardConfiguration.settings {
            #expect(page.contains("| `\(setting.name)` | `\(setting.flag)` | `\(setting.variable)` |"))
            #expect(page.contains("### `\(setting.name)`"))
        }
    }

    @Test("names are unique across the table, in each of the three namespaces")
    func uniqueNames() {
        let settings = KeywardConfiguration.settings
        #expect(Set(settings.map(\.name)).count == settings.count)
        #expect(Set(settings.map(\.flag)).count == settings.count)
        #expect(Set(settings.map(\.variable)).count == settings.count)
    }
}
