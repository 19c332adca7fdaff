import DriftwatchCore
import DriftwatchIngest
import Yams
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension ConfigurationLoader {
    /// One entry of `sources:`, with its field mapping when it has `fields:`.
    func readSource(_ item: Node, index: Int, reader: NodeReader) throws -> DriftwatchConfiguration.LogSource {
        let path = "sources[\(index)]"
        let fields = try reader.mapping(item, path: path)
        try reader.allowOnly(fields, keys: ["name", "paths", "format", "fields", "elements", "values", "constants", "timestamp_unit",
                                            "follow_symlinks", "allowed_owners"], path: path)
        let (admission, ownerNames) = try readAdmission(fields, path: path, reader: reader)
        let name = try fields["name"].map { try reader.string($0, path: path + ".name") } ?? "source\(index + 1)"
        guard let pathsNode = fields["paths"] else {
            throw reader.error(item, path: path + ".paths", "is required: a list of glob patterns of log files")
        }
        let paths = try reader.sequence(pathsNode, path: path + ".paths").enumerated().map {
            try reader.string($1, path: "\(path).paths[\($0)]")
        }
        if paths.isEmpty { throw reader.error(pathsNode, path: path + ".paths", "expected at least one glob pattern") }
        var format = DriftwatchConfiguration.LogFormat.driftwatch
        if let n = fields["format"] {
            let text = try reader.string(n, path: path + ".format")
            guard let f = DriftwatchConfiguration.LogFormat(rawValue: text) else {
                throw reader.error(n, path: path + ".format", "expected one of \(DriftwatchConfiguration.LogFormat.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(text)\"")
            }
            format = f
        }
        let mappingKeys = ["fields", "elements", "values", "constants", "timestamp_unit"]
        guard let first = mappingKeys.first(where: { fields[$0] != nil }) else {
            var source = DriftwatchConfiguration.LogSource(name: name, paths: paths, format: format)
            source.admission = admission
            source.allowedOwnerNames = ownerNames
            return source
        }
        guard format == .driftwatch else {
            throw reader.error(fields[first]!, path: "\(path).\(first)", "applies to sources of format driftwatch (the service's own JSON lines), not \(format.rawValue)")
        }
        guard let fieldsNode = fields["fields"] else {
            throw reader.error(fields[first]!, path: "\(path).\(first)", "needs fields: (record field: path in the service's JSON) in the same source")
        }
        let mapping = try readMapping(fieldsNode, fields, path: path, reader: reader)
        var source = DriftwatchConfiguration.LogSource(name: name, paths: paths, format: format, mapping: mapping)
        source.admission = admission
        source.allowedOwnerNames = ownerNames
        return source
    }

    /// `follow_symlinks` (true, false or within) and `allowed_owners` (user names or numeric uids, resolved now).
    private func readAdmission(_ fields: [String: Node], path: String, reader: NodeReader) throws -> (FileAdmission, [String]?) {
        var admission = FileAdmission()
        if let node = fields["follow_symlinks"] {
            let key = path + ".follow_symlinks"
            guard case .scalar(let scalar) = node else { throw reader.error(node, path: key, "expected true, false or within") }
            switch scalar.string.lowercased() {
            case "true", "yes", "on": admission.symlinks = .follow
            case "false", "no", "off": admission.symlinks = .refuse
            case "within": admission.symlinks = .within
            default: throw reader.error(node, path: key, "expected true, false or within, got \"\(scalar.string)\"")
            }
        }
        guard let node = fields["allowed_owners"] else { return (admission, nil) }
        var names: [String] = []
        var uids = Set<UInt32>()
        for (i, item) in try reader.sequence(node, path: path + ".allowed_owners").enumerated() {
            let key = "\(path).allowed_owners[\(i)]"
            let name = try reader.string(item, path: key)
            if let uid = UInt32(name) {
                uids.insert(uid)
            } else if let entry = getpwnam(name) {
                uids.insert(UInt32(entry.pointee.pw_uid))
            } else {
                throw reader.error(item, path: key, "no user \"\(name)\" on this system; expected a user name or a numeric uid")
            }
            names.append(name)
        }
        if names.isEmpty { throw reader.error(node, path: path + ".allowed_owners", "expected at least one user name or uid (leave the key out to allow any owner)") }
        admission.allowedOwners = uids
        return (admission, names)
    }

    private func readMapping(_ fieldsNode: Node, _ fields: [String: Node], path: String, reader: NodeReader) throws -> FieldMapping {
        var mapping = FieldMapping()
        var nodes: [String: Node] = [:]  // record field → its configuration node, for errors
        for (target, sourceNode) in try reader.orderedMapping(fieldsNode, path: path + ".fields") {
            let key = "\(path).fields.\(target)"
            guard RecordFieldPaths.kind(of: target) != nil else {
                throw reader.error(sourceNode, path: key, "is not a field of format v1; expected one of \(RecordFieldPaths.fields.map(\.path).joined(separator: ", ")) or slices.NAME")
            }
            mapping.fields.append(.init(target: target, source: try reader.dottedPath(sourceNode, path: key)))
            nodes[target] = sourceNode
        }
        if let node = fields["constants"] {
            for (target, valueNode) in try reader.orderedMapping(node, path: path + ".constants") {
                let key = "\(path).constants.\(target)"
                guard let kind = RecordFieldPaths.kind(of: target) else {
                    throw reader.error(valueNode, path: key, "is not a field of format v1; expected one of \(RecordFieldPaths.fields.map(\.path).joined(separator: ", ")) or slices.NAME")
                }
                guard case .scalar(let scalar) = valueNode,
                      let json = RecordFieldPaths.constantJSON(scalar.string, quoted: scalar.style == .singleQuoted || scalar.style == .doubleQuoted, kind: kind) else {
                    throw reader.error(valueNode, path: key, "expected \(kind.expectation) (a constant must be a single value)")
                }
                mapping.constants.append(.init(target: target, json: json))
                nodes[target] = valueNode
            }
        }
        // No field may be filled twice, nor inside a field that is filled whole.
        let targets = mapping.fields.map(\.target) + mapping.constants.map(\.target)
        for (i, a) in targets.enumerated() {
            for b in targets[(i + 1)...] where a == b || a.hasPrefix(b + ".") || b.hasPrefix(a + ".") {
                throw reader.error(nodes[b] ?? fieldsNode, path: path, "fills the record field \(b) twice (in fields: and constants:, or inside \(a.count < b.count ? a : b)); expected each field once")
            }
        }
        for (object, required) in RecordFieldPaths.requiredInObject.sorted(by: { $0.key < $1.key })
        where targets.contains(where: { $0.hasPrefix(object + ".") }) {
            for field in required where !targets.contains(field) {
                throw reader.error(fieldsNode, path: path + ".fields", "fills \(object) fields but not \(field), which format v1 requires in \(object) (\(required.joined(separator: ", "))); map it in fields: or set it in constants:")
            }
        }
        if let node = fields["elements"] {
            for (array, elementNode) in try reader.orderedMapping(node, path: path + ".elements") {
                let key = "\(path).elements.\(array)"
                guard RecordFieldPaths.elementFields[array] != nil else {
                    throw reader.error(elementNode, path: key, "expected an array of objects of format v1: \(RecordFieldPaths.elementFields.keys.sorted().joined(separator: ", "))")
                }
                guard mapping.fields.contains(where: { $0.target == array }) else {
                    throw reader.error(elementNode, path: key, "maps the elements of \(array), which fields: does not map; add \(array): PATH to fields:")
                }
                var renames: [FieldMapping.Rename] = []
                for (field, sourceNode) in try reader.orderedMapping(elementNode, path: key) {
                    guard RecordFieldPaths.kind(ofElementField: field, in: array) != nil else {
                        throw reader.error(sourceNode, path: "\(key).\(field)", "is not a field of the elements of \(array); expected one of \(RecordFieldPaths.elementFields[array]!.map(\.path).joined(separator: ", "))")
                    }
                    renames.append(.init(target: field, source: try reader.dottedPath(sourceNode, path: "\(key).\(field)")))
                }
                for field in RecordFieldPaths.requiredInElements[array] ?? [] where !renames.contains(where: { $0.target == field }) {
                    throw reader.error(elementNode, path: key, "does not map \(field), which format v1 requires in every element of \(array)")
                }
                mapping.elements[array] = renames
            }
        }
        if let node = fields["values"] {
            for (target, tableNode) in try reader.orderedMapping(node, path: path + ".values") {
                let key = "\(path).values.\(target)"
                let mapped = mapping.fields.contains { $0.target == target }
                    || mapping.elements.contains { array, renames in renames.contains { array + "." + $0.target == target } }
                guard mapped else {
                    throw reader.error(tableNode, path: key, "expected a record field mapped in fields: (or an element field such as tools.status mapped in elements:)")
                }
                var table: [String: String] = [:]
                for (from, toNode) in try reader.orderedMapping(tableNode, path: key) {
                    table[from] = try reader.string(toNode, path: "\(key).\(from)")
                }
                mapping.values[target] = table
            }
        }
        if let node = fields["timestamp_unit"] {
            let text = try reader.string(node, path: path + ".timestamp_unit")
            guard let unit = FieldMapping.TimestampUnit(rawValue: text) else {
                throw reader.error(node, path: path + ".timestamp_unit", "expected one of s, ms, us, rfc3339, got \"\(text)\"")
            }
            guard mapping.fields.contains(where: { $0.target == "timestamp" }) else {
                throw reader.error(node, path: path + ".timestamp_unit", "applies to the timestamp mapped in fields:; add timestamp: PATH to fields:")
            }
            mapping.timestampUnit = unit
        }
        return mapping
    }
}

extension NodeReader {
    /// A mapping's entries in the order the file lists them.
    func orderedMapping(_ node: Node, path: String) throws -> [(String, Node)] {
        guard case .mapping(let mapping) = node else { throw error(node, path: path, "expected a mapping of keys to values") }
        return try mapping.map { key, value in
            guard let name = key.string, !name.isEmpty else { throw error(key, path: path, "has a key that is not a string") }
            return (name, value)
        }
    }

    /// A dotted path into a service's JSON, such as `llm.model`.
    func dottedPath(_ node: Node, path: String) throws -> String {
        let text = try string(node, path: path)
        guard !text.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty) else {
            throw error(node, path: path, "expected a dotted path in the service's JSON such as llm.model, got \"\(text)\"")
        }
        return text
    }
}
