import KeywardCore

/// Walks the record objects of a JSON export and turns each into a record or a rejection.
enum JSONRecords {
    /// The record objects: the elements of every top-level array, or of the `member` array of
    /// every top-level object (`AccessKeyMetadata`, `SecretList`). A file with neither is not an
    /// export of this kind, and fails whole.
    static func elements(of bytes: [UInt8], member: String?, file: String) throws -> [LocatedJSON] {
        try elements(in: try documents(of: bytes, file: file), member: member, file: file)
    }

    /// The record objects of `documents` (see ``elements(of:member:file:)``), for a format that
    /// also reads members beside the array.
    static func elements(in documents: [LocatedJSON], member: String?, file: String) throws -> [LocatedJSON] {
        var elements: [LocatedJSON] = []
        for document in documents {
            if let array = document.array {
                for element in array {
                    if let member, let nested = element[member]?.array { elements.append(contentsOf: nested) } else { elements.append(element) }
                }
            } else if let member, let array = document[member]?.array {
                elements.append(contentsOf: array)
            } else {
                let expected = member.map { "an object with a \"\($0)\" array, or an array" } ?? "an array of objects"
                throw ImportError(file: file, line: document.line, field: member, message: "expected \(expected), got \(document.typeName)")
            }
        }
        return elements
    }

    /// Every JSON value in the file (see ``KeywardCore/StrictJSONParser/parseDocuments(_:)``); a
    /// file that is empty or not strict JSON fails whole, naming the line (and member) at fault.
    static func documents(of bytes: [UInt8], file: String) throws(ImportError) -> [LocatedJSON] {
        let documents: [LocatedJSON]
        do {
            documents = try StrictJSONParser.parseDocuments(bytes)
        } catch {
            throw ImportError(file: file, line: error.line, field: nil, message: "invalid JSON: \(error)")
        }
        guard !documents.isEmpty else { throw ImportError(file: file, line: 1, field: nil, message: "the file is empty: expected JSON") }
        return documents
    }

    /// Calls `read` for every element that is an object; a `RowProblem` rejects that element only.
    /// `identity` names the member holding the identity, so a rejected element still protects that
    /// identity's existing records from being marked disappeared.
    static func each(_ elements: [LocatedJSON], identity: (LocatedJSON) -> String?, context: inout ImportContext,
                     read: (LocatedJSON, inout ImportContext) throws(RowProblem) -> Void) {
        for element in elements {
            guard element.object != nil else {
                context.reject(line: element.line, field: nil, reason: "expected an object, got \(element.typeName)")
                continue
            }
            do {
                try read(element, &context)
            } catch {
                context.reject(line: element.line, field: error.field, reason: error.reason, identity: identity(element))
            }
        }
    }
}
