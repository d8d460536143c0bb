import KeywardCore

/// The generic `csv` and `json` imports (column set in ``GenericInventory``).
struct GenericImport {
    func runCSV<Source: ByteSource>(_ source: inout Source, context: inout ImportContext) throws -> ImportResult {
        var providers = Set<InventoryProvider>()
        try CSVReader.read(
            &source, file: context.file,
            header: { header, line in try header.require(GenericInventory.required, file: context.file, line: line) },
            row: { row in accept(row, line: row.line, providers: &providers, context: &context) },
            mismatched: { record, expected in
                context.reject(line: record.line, field: nil, reason: "has \(record.fields.count) fields, the header has \(expected)")
            })
        return context.finish(scope: GenericInventory.scope(kind: context.kind, providers: providers), findingRules: [])
    }

    func runJSON(_ bytes: [UInt8], context: inout ImportContext) throws -> ImportResult {
        let elements = try JSONRecords.elements(of: bytes, member: nil, file: context.file)
        var providers = Set<InventoryProvider>()
        for element in elements {
            guard element.object != nil else {
                context.reject(line: element.line, field: nil, reason: "expected an object, got \(element.typeName)")
                continue
            }
            accept(element, line: element.line, providers: &providers, context: &context)
        }
        return context.finish(scope: GenericInventory.scope(kind: context.kind, providers: providers), findingRules: [])
    }

    private func accept(_ fields: some GenericFields, line: Int, providers: inout Set<InventoryProvider>, context: inout ImportContext) {
        do {
            let record = try GenericInventory.record(from: fields, now: context.now)
            providers.insert(record.provider)
            context.accept(record, line: line)
        } catch {
            context.reject(line: line, field: error.field, reason: error.reason, identity: fields.identityHint)
        }
    }
}
