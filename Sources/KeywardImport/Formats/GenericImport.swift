import KeywardCore

/// The generic `csv` and `json` imports (column set in ``GenericInventory``).
struct GenericImport {
    func runCSV<Source: ByteSource>(_ source: inout Source, context: inout ImportContext) throws -> ImportResult {
        var providers = Set<InventoryProvider>()
        try CSVReader.read(
            &source, file: context.file,
            header: { header, line in
                try header.require(GenericInventory.required, file: context.file, line: line)
                try header.rejectUnknown(allowed: GenericInventory.columns, file: context.file, line: line)
            },
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
            guard let members = element.object else {
                context.reject(line: element.line, field: nil, reason: "expected an object, got \(element.typeName)")
                continue
            }
            // keyward's own format is strict, like its API: a misspelt member is an error, not a silent gap.
            if let unknown = members.keys.filter({ !GenericInventory.columnSet.contains($0) }).min() {
                context.reject(line: element.line, field: unknown, reason: "unknown member; the members are: \(GenericInventory.columns.joined(separator: ", "))",
                               identity: element.identityHint)
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
