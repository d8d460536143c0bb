import KeywardCore

/// The entry point of every import: `keyward import KIND FILE` and
/// `POST /v1/inventory/import/{kind}` both end here.
///
/// An import reads the file, merges what it lists into `existing` (the stored records; passing
/// those of the import's provider is enough) and returns what to write. Rows that cannot be read
/// are rejected one by one with file, line and field while the rest import; a file that cannot be
/// read at all (missing required column, not JSON) throws ``ImportError`` and nothing applies.
public enum Importer {
    public static func run(kind: ImportKind, file path: String, existing: [InventoryRecord], now: Timestamp,
                           options: ImportOptions = ImportOptions()) throws -> ImportResult {
        var source = try FileByteSource(path: path)
        return try run(kind: kind, source: &source, fileName: path, existing: existing, now: now, options: options)
    }

    public static func run(kind: ImportKind, bytes: [UInt8], fileName: String, existing: [InventoryRecord], now: Timestamp,
                           options: ImportOptions = ImportOptions()) throws -> ImportResult {
        var source = BufferByteSource(bytes)
        return try run(kind: kind, source: &source, fileName: fileName, existing: existing, now: now, options: options)
    }

    /// CSV kinds stream `source` chunk by chunk; JSON kinds read it whole first.
    public static func run<Source: ByteSource>(kind: ImportKind, source: inout Source, fileName: String,
                                               existing: [InventoryRecord], now: Timestamp,
                                               options: ImportOptions = ImportOptions()) throws -> ImportResult {
        var context = ImportContext(file: fileName, kind: kind, now: now, options: options, existing: existing)
        switch kind {
        case .awsCredentialReport: return try AWSCredentialReport().run(&source, context: &context)
        case .csv: return try GenericImport().runCSV(&source, context: &context)
        case .awsAccessKeys: return try AWSAccessKeys().run(try readAll(&source), context: &context)
        case .gcpKeys: return try GCPServiceAccountKeys().run(try readAll(&source), context: &context)
        case .awsSecretsManager: return try AWSSecretsManager().run(try readAll(&source), context: &context)
        case .githubPATs: return try GitHubPATs().run(try readAll(&source), context: &context)
        case .openaiAPIKeys: return try OpenAIAPIKeys().run(try readAll(&source), context: &context)
        case .anthropicAPIKeys: return try AnthropicAPIKeys().run(try readAll(&source), context: &context)
        case .json: return try GenericImport().runJSON(try readAll(&source), context: &context)
        }
    }

    private static func readAll<Source: ByteSource>(_ source: inout Source) throws -> [UInt8] {
        var bytes: [UInt8] = []
        while let chunk = try source.nextChunk() { bytes.append(contentsOf: chunk) }
        return bytes
    }
}
