import KeywardConnectors
import Testing

@Suite("Pagination")
struct PaginationTests {
    @Test("collect follows cursors to the end, in order")
    func followsCursors() async throws {
        let pages: [String?: ([Int], String?)] = [nil: ([1, 2], "b"), "b": ([3], "c"), "c": ([4, 5], nil)]
        let items = try await Pagination.collect(label: "test") { cursor in
            let page = pages[cursor]!
            return (page.0, page.1)
        }
        #expect(items == [1, 2, 3, 4, 5])
    }

    @Test("a cursor returned twice is an error, not an endless loop")
    func repeatedCursor() async throws {
        await #expect(throws: ConnectorError.self) {
            _ = try await Pagination.collect(label: "test") { (_: String?) in ([1], "same") }
        }
    }

    @Test("GitHub's Link header: the rel=next target")
    func linkHeader() {
        let header = #"<https://api.github.com/orgs/o/personal-access-tokens?page=2>; rel="next", <https://api.github.com/orgs/o/personal-access-tokens?page=5>; rel="last""#
        #expect(Pagination.nextLink(header) == "https://api.github.com/orgs/o/personal-access-tokens?page=2")
        #expect(Pagination.nextLink(#"<https://x/?page=1>; rel="prev""#) == nil)
        #expect(Pagination.nextLink(nil) == nil)
    }
}
