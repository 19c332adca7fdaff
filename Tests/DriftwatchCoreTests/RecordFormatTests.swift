@testable import DriftwatchCore
import Foundation
import Testing

/// Format v1 is declared once, in ``RecordFormat/fields``; these tests fail when a field is added (or
/// renamed, or made required) in one place and not the others.
///
/// How each consumer is held to the table:
/// - the ingest scanner's key sets and required masks, ``LinePacking/keys``, ``RecordFieldPaths`` and
///   the decoder's top-level names are derived from it (nothing to forget);
/// - the decoder's hand-written key functions and counts are enumerated and compared (`decoderKeyTables`);
/// - the scanner's per-key value readers, the decoder's readers, ``RequestRecord``'s properties and
///   ``RecordEncoder`` are run on a line built from the table with every field (`everyFieldEverywhere`):
///   a field one of them does not know is rejected, dropped, or left empty;
/// - ``RecordColumns``' properties are compared with the table's `column`s (`columns`);
/// - the shipped JSON Schema's paths and required lists are compared with the table's (`schema`);
/// - the enumerated values both fast and full readers accept are compared with the table's (`enumeratedValues`);
/// - the stored packing codes are frozen: the table may only append codes (`packingCodes`).
@Suite("Format v1 declared once (RecordFormat)")
struct RecordFormatTests {
    /// The objects (and array elements) that have keys of their own.
    static let parents = Set(RecordFormat.fields.map(\.parent))

    @Test("the table is well formed: unique paths, parents declared before children, keys fit the fast compare")
    func wellFormed() {
        let paths = RecordFormat.fields.map(\.path)
        #expect(Set(paths).count == paths.count)
        for (i, field) in RecordFormat.fields.enumerated() where !field.parent.isEmpty {
            let owner = field.parent.hasSuffix("[]") ? String(field.parent.dropLast(2)) : field.parent
            let at = paths.firstIndex(of: owner)
            #expect(at != nil && at! < i, "\(field.path): its parent \(owner) must come first")
        }
        for field in RecordFormat.fields {
            #expect(field.key.utf8.count + 2 <= 16, "\(field.path): the scanner compares keys with quotes in two words")
        }
    }

    @Test("the decoder's hand-written key functions list exactly the table's keys, in its order")
    func decoderKeyTables() {
        let functions = RecordReader.keyFunctions
        #expect(Set(functions.keys) == Self.parents, "an object of the table has no key function, or the other way round")
        for parent in Self.parents.sorted() {
            guard let entry = functions[parent] else { continue }
            let count = entry.count, key = entry.key
            let expected = RecordFormat.keys(in: parent)
            #expect(count == expected.count, "\(parent): RecordReader.KeyCount says \(count), the table has \(expected.count)")
            let listed = (0..<max(count, expected.count)).map { key($0).description }
            #expect(listed == expected.map { "\"\($0)\":" }, "\(parent)")
            // The last case is `default:`, so a key past the count must repeat the last one.
            #expect(key(expected.count).description == key(expected.count - 1).description, "\(parent) has more keys than the table")
        }
        #expect(RecordDecoder.topLevelFieldNames == RecordFormat.keys(in: ""))
    }

    /// The packing codes as the store wrote them in format 2 of record blocks: stored bytes, never changed.
    static let storedCodes = [
        "id", "score", "updated_at", "version", "check", "passed", "validation", "name", "latency_ms", "retrieval",
        "tools", "request_id", "timestamp", "service", "task", "route", "model", "provider", "tuned", "template",
        "release", "validator", "eval_suite", "outcome", "total", "generation", "tokens",
        "input", "output", "cost_usd", "retries", "slices", "status", "index_version", "top_k", "evidence",
        "tools_expected", "base", "dataset", "feedback", "source", "reason",
    ]

    @Test("packing codes come from the table, every key has one, and stored codes are never reassigned")
    func packingCodes() {
        #expect(Array(LinePacking.keys.prefix(Self.storedCodes.count)) == Self.storedCodes)
        #expect(LinePacking.keys.count <= 256)
        for field in RecordFormat.fields {
            #expect(LinePacking.keys.firstIndex(of: field.key) == field.packing, "\(field.path)")
            #expect(LinePacking.code(for: field.key) != nil, "\(field.path)")
        }
        #expect(Set(LinePacking.keys) == Set(RecordFormat.fields.map(\.key)), "a code with no field")
    }

    @Test("a line with every field of the table: the scanner, decoder, record and encoder all carry every field")
    func everyFieldEverywhere() throws {
        let line = Array(RecordFormat.sampleLine().utf8)
        let record = try RecordDecoder().decode(line)

        // Every stored property of the record (and of its parts) was filled from some field.
        let empty = emptyProperties(of: record, at: "record")
        #expect(empty.isEmpty, "properties no field of the table fills: \(empty)")

        // The encoder writes back exactly the fields read, with the same values.
        let encoded = RecordEncoder().encode(record)
        #expect(try canonical(encoded) == canonical(line), "\(String(decoding: encoded, as: UTF8.self))")
        #expect(try jsonPaths(encoded) == Set(RecordFormat.fields.map(\.path)))

        // The ingest fast path takes the line, and its columns are the decoder's.
        let scanned = try #require(line.withUnsafeBytes { RecordColumnScanner.scan($0, base: 0) }, "the scanner left the full line to the decoder")
        let arena = LineArena(capacity: 64)
        let reference = RecordColumns(record, arena: arena)
        #expect(describe(scanned, line) == describe(reference, arena.bytes))
        // And packs it to exactly its bytes.
        let packed = try #require(line.withUnsafeBytes { raw -> (RecordColumns, Range<Int>)? in
            arena.appendScanned(raw).map { ($0.columns, $0.range) }
        })
        #expect(arena.bytes[packed.1].withUnsafeBytes { LinePacking.unpack($0) } == line)
    }

    @Test("each column the table names is a property of RecordColumns, filled by the scanner, and the other way round")
    func columns() throws {
        let properties = Set(Mirror(reflecting: RecordColumns()).children.compactMap(\.label))
        let named = RecordFormat.fields.compactMap(\.column)
        #expect(Set(named).count == named.count)
        #expect(Set(named) == properties)
        let line = Array(RecordFormat.sampleLine().utf8)
        let scanned = try #require(line.withUnsafeBytes { RecordColumnScanner.scan($0, base: 0) })
        for child in Mirror(reflecting: scanned).children {
            let filled = (child.value as? ByteSpan).map { !$0.isNone } ?? !isNil(child.value)
            #expect(filled, "column \(child.label ?? "?") is empty for the full line")
        }
    }

    @Test("the shipped JSON Schema has exactly the table's paths and required fields")
    func schema() throws {
        let schema = try RecordSchemaTests.schema()
        var paths: [String: Bool] = [:]  // path: required
        func walk(_ node: [String: Any], _ prefix: String) {
            let required = Set(node["required"] as? [String] ?? [])
            for (key, value) in node["properties"] as? [String: Any] ?? [:] {
                guard let value = value as? [String: Any] else { continue }
                let path = prefix + key
                paths[path] = required.contains(key)
                if key != "slices" || !prefix.isEmpty { walk(value, path + ".") }
                if let items = value["items"] as? [String: Any] { walk(items, path + "[].") }
            }
        }
        walk(schema, "")
        let table = Dictionary(uniqueKeysWithValues: RecordFormat.fields.map { ($0.path, $0.required) })
        #expect(paths == table)
    }

    @Test("the README's field table lists exactly the table's top-level fields, in its order")
    func readme() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md")
        let text = try String(contentsOf: url, encoding: .utf8)
        let section = try #require(text.components(separatedBy: "## The request record (format v1)").dropFirst().first)
            .components(separatedBy: "\n##").first ?? ""
        let names = section.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("| `") else { return nil }
            return line.dropFirst(3).split(separator: "`").first.map(String.init)
        }
        #expect(names == RecordFormat.keys(in: ""))
    }

    @Test("enumerated strings: both readers take exactly the table's values", arguments: RecordFormat.fields.filter { $0.values != nil }.map(\.path))
    func enumeratedValues(path: String) throws {
        let field = try #require(RecordFormat.fields.first { $0.path == path })
        for value in (field.values ?? []) + ["bogus", "OK", ""] {
            let line = Array(RecordFormat.sampleLine(override: [path: "\"\(value)\""]).utf8)
            let accepted = (try? RecordDecoder().decode(line)) != nil
            let scanned = line.withUnsafeBytes { RecordColumnScanner.scan($0, base: 0) } != nil
            let valid = field.values?.contains(value) == true
            #expect(accepted == valid, "decoder, \(path) = \(value)")
            #expect(scanned == valid, "scanner, \(path) = \(value)")
            if valid, let record = try? RecordDecoder().decode(line) {
                let written = try jsonObject(RecordEncoder().encode(record))
                #expect(member(at: path, in: written) as? String == value)
            }
        }
    }

    @Test("a required field missing anywhere: both readers refuse the line", arguments: RecordFormat.fields.filter(\.required).map(\.path))
    func requiredFields(path: String) throws {
        let field = try #require(RecordFormat.fields.first { $0.path == path })
        // The sample with this one member removed from its object.
        let full = try jsonObject(Array(RecordFormat.sampleLine().utf8))
        let without = removing(field, from: full)
        let line = Array(try JSONSerialization.data(withJSONObject: without))
        #expect((try? RecordDecoder().decode(line)) == nil, "decoder accepted a line without \(path)")
        #expect(line.withUnsafeBytes { RecordColumnScanner.scan($0, base: 0) } == nil, "scanner accepted a line without \(path)")
    }
}

// MARK: helpers

private func jsonObject(_ bytes: [UInt8]) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(bytes))
}

/// The document with sorted keys, for comparing values independent of key order.
private func canonical(_ bytes: [UInt8]) throws -> String {
    let data = try JSONSerialization.data(withJSONObject: try jsonObject(bytes), options: [.sortedKeys])
    return String(decoding: data, as: UTF8.self)
}

/// Every path in a document, written as in ``RecordFormat`` (`slices` is one leaf; arrays of objects as `a[].b`).
private func jsonPaths(_ bytes: [UInt8]) throws -> Set<String> {
    var out: Set<String> = []
    func walk(_ value: Any, _ path: String) {
        if !path.isEmpty { out.insert(path) }
        if path == "slices" { return }
        if let object = value as? [String: Any] {
            for (k, v) in object { walk(v, path.isEmpty ? k : path + "." + k) }
        } else if let array = value as? [Any] {
            for element in array {
                guard let object = element as? [String: Any] else { continue }
                for (k, v) in object { walk(v, path + "[]." + k) }
            }
        }
    }
    walk(try jsonObject(bytes), "")
    return out
}

/// The value at a table path (`a[].b`: in the first element).
private func member(at path: String, in document: Any) -> Any? {
    var current: Any? = document
    for step in path.split(separator: ".") {
        let isArray = step.hasSuffix("[]")
        let key = isArray ? String(step.dropLast(2)) : String(step)
        current = (current as? [String: Any])?[key]
        if isArray { current = (current as? [Any])?.first }
    }
    return current
}

/// `document` without the member `field` names (in every element of its array).
private func removing(_ field: RecordFormat.Field, from document: Any) -> Any {
    func remove(_ node: Any, _ steps: ArraySlice<Substring>) -> Any {
        guard var object = node as? [String: Any], let step = steps.first else { return node }
        if steps.count == 1 {
            object[String(step)] = nil
            return object
        }
        if step.hasSuffix("[]") {
            let key = String(step.dropLast(2))
            object[key] = (object[key] as? [Any] ?? []).map { remove($0, steps.dropFirst()) }
        } else {
            object[String(step)] = object[String(step)].map { remove($0, steps.dropFirst()) }
        }
        return object
    }
    return remove(document, field.path.split(separator: ".")[...])
}

/// Each property of the columns as text, strings read from `bytes`.
private func describe(_ columns: RecordColumns, _ bytes: [UInt8]) -> [String] {
    Mirror(reflecting: columns).children.map { child in
        let label = child.label ?? "?"
        if let span = child.value as? ByteSpan {
            return label + "=" + (span.isNone ? "none" : String(decoding: bytes[span.start..<(span.start + span.count)], as: UTF8.self))
        }
        return label + "=" + String(describing: child.value)
    }
}

private func isNil(_ value: Any) -> Bool {
    let mirror = Mirror(reflecting: value)
    return mirror.displayStyle == .optional && mirror.children.isEmpty
}

/// The stored properties left nil, empty or default (false, 0) in `value`, recursively.
private func emptyProperties(of value: Any, at path: String) -> [String] {
    let mirror = Mirror(reflecting: value)
    switch mirror.displayStyle {
    case .optional:
        guard let wrapped = mirror.children.first?.value else { return [path] }
        return emptyProperties(of: wrapped, at: path)
    case .collection:
        guard let first = mirror.children.first?.value else { return [path] }
        return emptyProperties(of: first, at: path + "[]")
    case .struct:
        return mirror.children.flatMap { emptyProperties(of: $0.value, at: path + "." + ($0.label ?? "?")) }
    default:
        if let b = value as? Bool { return b ? [] : [path] }
        if let i = value as? Int { return i != 0 ? [] : [path] }
        if let i = value as? Int64 { return i != 0 ? [] : [path] }
        if let d = value as? Double { return d != 0 ? [] : [path] }
        if let s = value as? String { return s.isEmpty ? [path] : [] }
        return []
    }
}
