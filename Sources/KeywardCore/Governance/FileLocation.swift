/// How governance errors point into an input file: `file:line:column: field: `, the form
/// compilers use, so editors and CI logs turn it into a link. Shared by import rejections,
/// import errors and policy errors.
public enum FileLocation {
    public static func prefix(file: String, line: Int?, column: Int? = nil, field: String?) -> String {
        var text = file
        if let line { text += ":\(line)" }
        if let column { text += ":\(column)" }
        text += ": "
        if let field { text += "\(field): " }
        return text
    }
}
