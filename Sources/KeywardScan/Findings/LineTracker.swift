/// Turns byte offsets into 1-based lines and columns, moving forward only.
///
/// Offsets arrive in increasing order, so the tracker counts each byte at most once however
/// long the line: a 50 MB minified file with many findings costs one pass, not one per finding.
/// Columns count Unicode code points (UTF-8 continuation bytes are skipped), which is what
/// editors and SARIF viewers show.
struct LineTracker {
    /// Absolute offset the counts below are valid at.
    private(set) var position = 0
    private(set) var line = 1
    private(set) var column = 1
    /// Absolute offset where the current line starts, when it is still in view.
    private(set) var lineStart = 0

    /// Advances to absolute `target`; `buffer` holds bytes from absolute offset `base`.
    mutating func advance(to target: Int, in buffer: UnsafeRawBufferPointer, base: Int) {
        guard target > position else { return }
        var index = position - base
        let end = target - base
        while index < end {
            let byte = buffer[index]
            if byte == 0x0A {
                line += 1
                column = 1
                lineStart = base + index + 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
            index += 1
        }
        position = target
    }

    /// Line and column of absolute offset `target` (the tracker moves there).
    mutating func locate(_ target: Int, in buffer: UnsafeRawBufferPointer, base: Int) -> (line: Int, column: Int) {
        advance(to: target, in: buffer, base: base)
        return (line, column)
    }
}
