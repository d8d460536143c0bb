/// Runs `body` over `items` with at most `limit` at once and returns the answers in the items'
/// order: a connector reading one list per user or per service account keeps a few requests in
/// flight rather than one, without opening thousands of connections.
public enum Concurrently {
    public static func map<Item: Sendable, Answer: Sendable>(_ items: [Item], limit: Int,
                                                             _ body: @escaping @Sendable (Item) async -> Answer) async -> [Answer] {
        guard !items.isEmpty else { return [] }
        var answers = [Answer?](repeating: nil, count: items.count)
        await withTaskGroup(of: (Int, Answer).self) { group in
            var next = 0
            for _ in 0..<min(max(1, limit), items.count) {
                let index = next
                group.addTask { (index, await body(items[index])) }
                next += 1
            }
            while let (index, answer) = await group.next() {
                answers[index] = answer
                if next < items.count {
                    let index = next
                    group.addTask { (index, await body(items[index])) }
                    next += 1
                }
            }
        }
        return answers.map { $0! }
    }
}
