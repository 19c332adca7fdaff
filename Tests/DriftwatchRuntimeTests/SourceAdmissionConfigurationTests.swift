import DriftwatchCore
import DriftwatchIngest
import DriftwatchRuntime
import Testing

@Suite("sources[].follow_symlinks and allowed_owners, server.metrics_auth in the configuration")
struct SourceAdmissionConfigurationTests {
    @Test("defaults: links within the source's directories, any owner; values are read and resolved")
    func values() throws {
        let defaults = try ConfigurationLoader().load(yaml: "sources: [{paths: [/var/log/app/*.log]}]")
        #expect(defaults.sources[0].admission == FileAdmission(symlinks: .within, allowedOwners: nil))
        let set = try ConfigurationLoader().load(yaml: "sources: [{paths: [/var/log/app/*.log], follow_symlinks: false, allowed_owners: [root, 1001]}]")
        #expect(set.sources[0].admission == FileAdmission(symlinks: .refuse, allowedOwners: [0, 1001]))
        #expect(try ConfigurationLoader().load(yaml: "sources: [{paths: [a], follow_symlinks: true}]").sources[0].admission.symlinks == .follow)
    }

    @Test("bad values are errors naming the key and what was expected", arguments: [
        ("sources: [{paths: [a], follow_symlinks: sometimes}]", "sources[0].follow_symlinks", "expected true, false or within"),
        ("sources: [{paths: [a], allowed_owners: [no-such-user-dw]}]", "sources[0].allowed_owners[0]", "no user \"no-such-user-dw\""),
        ("sources: [{paths: [a], allowed_owners: []}]", "sources[0].allowed_owners", "at least one"),
        ("server: {listen: 127.0.0.1:4318, metrics_auth: on}", "server.metrics_auth", "bearer_token"),
    ])
    func errors(yaml: String, key: String, expectation: String) {
        do {
            _ = try ConfigurationLoader().load(yaml: yaml)
            Issue.record("\(yaml) loaded")
        } catch {
            #expect("\(error)".contains(key) && "\(error)".contains(expectation), "\(error)")
        }
    }
}
