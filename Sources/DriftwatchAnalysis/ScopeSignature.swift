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

/// A record shape's scope ids and the timeline slots of the versions it carries.
struct ResolvedScopes {
    var scopeIDs: [Int]
    var timelineSlots: [Int]
    /// The shape id (``ShapeTable``), −1 when not interned.
    var shape: Int32
}
