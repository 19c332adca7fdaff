import DriftwatchCore

/// The fields of a record that decide its scopes and version-timeline entries, compared and hashed in place
/// (no strings built), so the analyzer resolves a record's scope ids and timeline slots with one dictionary
/// lookup instead of building and hashing a dozen scope keys per record.
struct ScopeSignature: Hashable {
    var task: String?
    var model: ModelInfo?
    var template: TemplateInfo?
    var index: String?
    var route: String?
    var release: ReleaseInfo?
    /// Compared and hashed by name and version only.
    var tools: [ToolCall]
    var slices: [Slice]

    init(_ r: RequestRecord) {
        task = r.task
        model = r.model
        template = r.template
        index = r.retrieval?.indexVersion
        route = r.route
        release = r.release
        tools = r.tools
        slices = r.slices
    }

    static func == (a: ScopeSignature, b: ScopeSignature) -> Bool {
        guard a.task == b.task, a.index == b.index, a.route == b.route,
              a.model?.name == b.model?.name, a.model?.version == b.model?.version, a.model?.tuned == b.model?.tuned,
              a.template?.id == b.template?.id, a.template?.version == b.template?.version,
              a.release?.dataset == b.release?.dataset, a.release?.validator == b.release?.validator,
              a.release?.evalSuite == b.release?.evalSuite,
              a.tools.count == b.tools.count, a.slices.count == b.slices.count else { return false }
        for i in a.tools.indices where a.tools[i].name != b.tools[i].name || a.tools[i].version != b.tools[i].version {
            return false
        }
        for i in a.slices.indices where a.slices[i].key != b.slices[i].key || a.slices[i].value != b.slices[i].value {
            return false
        }
        return true
    }

    func hash(into h: inout Hasher) {
        h.combine(task)
        h.combine(index)
        h.combine(route)
        h.combine(model?.name)
        h.combine(model?.version)
        h.combine(model?.tuned)
        h.combine(template?.id)
        h.combine(template?.version)
        h.combine(release?.dataset)
        h.combine(release?.validator)
        h.combine(release?.evalSuite)
        h.combine(tools.count)
        for call in tools {
            h.combine(call.name)
            h.combine(call.version)
        }
        h.combine(slices.count)
        for slice in slices {
            h.combine(slice.key)
            h.combine(slice.value)
        }
    }
}

extension ScopeSignature {
    /// A 64-bit FNV-1a fingerprint of the fields ``ScopeSignature`` compares, read from the record in place: the
    /// analyzer finds a record's shape by it and ``matches(_:)`` without building (copying, retaining) a signature
    /// or SipHashing a dozen strings per record. Equal signatures have equal fingerprints.
    static func fingerprint(_ r: RequestRecord) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        @inline(__always) func byte(_ b: UInt8) { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        @inline(__always) func mix(_ s: String?) {
            guard let s else { return byte(0xfe) }
            for b in s.utf8 { byte(b) }
            byte(0xff)
        }
        mix(r.task)
        mix(r.retrieval?.indexVersion)
        mix(r.route)
        mix(r.model?.name)
        mix(r.model?.version)
        byte(r.model.map { $0.tuned ? 1 : 0 } ?? 2)
        mix(r.template?.id)
        mix(r.template?.version)
        mix(r.release?.dataset)
        mix(r.release?.validator)
        mix(r.release?.evalSuite)
        byte(UInt8(truncatingIfNeeded: r.tools.count))
        for call in r.tools {
            mix(call.name)
            mix(call.version)
        }
        byte(UInt8(truncatingIfNeeded: r.slices.count))
        for slice in r.slices {
            mix(slice.key)
            var hasher = Hasher()
            hasher.combine(slice.value)
            h = (h ^ UInt64(UInt(bitPattern: hasher.finalize()))) &* 0x0000_0100_0000_01b3
        }
        return h
    }

    /// Whether the record has this signature (``==`` against `ScopeSignature(r)`, without building it).
    func matches(_ r: RequestRecord) -> Bool {
        guard task == r.task, index == r.retrieval?.indexVersion, route == r.route,
              model?.name == r.model?.name, model?.version == r.model?.version, model?.tuned == r.model?.tuned,
              template?.id == r.template?.id, template?.version == r.template?.version,
              release?.dataset == r.release?.dataset, release?.validator == r.release?.validator,
              release?.evalSuite == r.release?.evalSuite,
              tools.count == r.tools.count, slices.count == r.slices.count else { return false }
        for i in tools.indices where tools[i].name != r.tools[i].name || tools[i].version != r.tools[i].version {
            return false
        }
        for i in slices.indices where slices[i].key != r.slices[i].key || slices[i].value != r.slices[i].value {
            return false
        }
        return true
    }
}

/// A record shape's scope ids and the timeline slots of the versions it carries.
struct ResolvedScopes {
    var scopeIDs: [Int]
    var timelineSlots: [Int]
    /// The shape id (``ShapeTable``), −1 when not interned.
    var shape: Int32
}
