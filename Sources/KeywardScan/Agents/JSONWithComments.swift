/// VS Code's and Cursor's `mcp.json` are JSON with comments (`//`, `/* */`) and trailing commas.
/// This blanks both out, byte for byte and keeping every newline, so the strict parser reads the
/// rest with its lines where they were.
enum JSONWithComments {
    static func stripped(_ bytes: [UInt8]) -> [UInt8] {
        var out = bytes
        var index = 0
        var inString = false
        var lastSignificant: Int? = nil
        while index < out.count {
            let byte = out[index]
            if inString {
                if byte == UInt8(ascii: "\\") { index += 2; continue }
                if byte == UInt8(ascii: "\"") { inString = false; lastSignificant = index }
                index += 1
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
            case UInt8(ascii: "/") where index + 1 < out.count && out[index + 1] == UInt8(ascii: "/"):
                while index < out.count, out[index] != 0x0A { out[index] = 0x20; index += 1 }
                continue
            case UInt8(ascii: "/") where index + 1 < out.count && out[index + 1] == UInt8(ascii: "*"):
                let start = index
                index += 2
                while index + 1 < out.count, !(out[index] == UInt8(ascii: "*") && out[index + 1] == UInt8(ascii: "/")) { index += 1 }
                let end = min(index + 2, out.count)
                for blank in start..<end where out[blank] != 0x0A { out[blank] = 0x20 }
                index = end
                continue
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if let comma = lastSignificant, out[comma] == UInt8(ascii: ",") { out[comma] = 0x20 }
                lastSignificant = index
            case 0x20, 0x09, 0x0A, 0x0D:
                break
            default:
                lastSignificant = index
            }
            index += 1
        }
        return out
    }
}
