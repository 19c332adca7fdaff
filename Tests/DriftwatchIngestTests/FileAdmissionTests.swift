import DriftwatchCore
import DriftwatchIngest
import DriftwatchTesting
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `sources[].follow_symlinks` and `sources[].allowed_owners` with real links and files of another owner (issue #18,
/// defect 7: a link to a 0600 secret put its lines into dead letters).
@Suite struct FileAdmissionTests {
    /// logs/app.log (the service's), logs/current.log -> app.log (a link inside), logs/app.log.secret -> ../private/secret.log.
    private func layout(_ h: Harness) throws -> (app: [String], secret: [String], pattern: String) {
        try FileManager.default.createDirectory(atPath: h.path("logs"), withIntermediateDirectories: false)
        try FileManager.default.createDirectory(atPath: h.path("private"), withIntermediateDirectories: false)
        let app = h.writer("logs/app.log", idPrefix: "app")
        let appIDs = (0..<5).map { _ in app.appendRecord() }
        let secret = h.writer("private/secret.log", idPrefix: "secret")
        let secretIDs = (0..<3).map { _ in secret.appendRecord() }
        chmod(h.path("private/secret.log"), 0o600)
        #expect(symlink("app.log", h.path("logs/current.log")) == 0)
        #expect(symlink(h.path("private/secret.log"), h.path("logs/app.log.secret")) == 0)
        return (appIDs, secretIDs, h.path("logs/*.log*"))
    }

    private func pipeline(_ h: Harness, _ pattern: String, _ admission: FileAdmission) -> IngestPipeline {
        IngestPipeline(discovery: FileDiscovery(patterns: [pattern], admission: [pattern: admission]), sink: h.sink, configuration: h.configuration)
    }

    @Test("default (within): a link out of the source's directory is refused, a link inside it is followed")
    func linksLeavingTheDirectoryAreRefusedByDefault() throws {
        let h = Harness()
        let (app, _, pattern) = try layout(h)
        let refused = FileDiscovery(patterns: [pattern]).discoverAdmitted().refused
        #expect(refused.map(\.path) == [h.path("logs/app.log.secret")])
        #expect(refused.first?.reason.contains("outside the source's directories") == true, "\(refused)")
        try pipeline(h, pattern, FileAdmission()).pollOnce()
        h.expectStoredExactlyOnce(app)
        #expect(h.sink.deadLetters.isEmpty)
    }

    @Test("follow_symlinks: true reads the linked file; false refuses every link")
    func followAllOrNone() throws {
        let h = Harness()
        let (app, secret, pattern) = try layout(h)
        try pipeline(h, pattern, FileAdmission(symlinks: .follow)).pollOnce()
        h.expectStoredExactlyOnce(app + secret)

        let none = FileDiscovery(patterns: [pattern], admission: [pattern: FileAdmission(symlinks: .refuse)]).discoverAdmitted()
        #expect(Set(none.refused.map(\.path)) == [h.path("logs/current.log"), h.path("logs/app.log.secret")])
        #expect(none.files.map(\.path) == [h.path("logs/app.log")])
    }

    @Test("a link to a directory outside the source (below a ** walk) is refused too")
    func linkedDirectoryOutside() throws {
        let h = Harness()
        let (_, _, _) = try layout(h)
        #expect(symlink(h.path("private"), h.path("logs/elsewhere")) == 0)
        let pattern = h.path("logs/*/*.log")
        let found = FileDiscovery(patterns: [pattern]).discoverAdmitted()
        #expect(found.files.isEmpty)
        #expect(found.refused.map(\.path) == [h.path("logs/elsewhere/secret.log")])
    }

    @Test("allowed_owners: a file owned by another uid is refused, the service's own is read")
    func allowedOwners() throws {
        let h = Harness()
        try FileManager.default.createDirectory(atPath: h.path("logs"), withIntermediateDirectories: false)
        let mine = h.writer("logs/app.log", idPrefix: "mine")
        let mineIDs = (0..<4).map { _ in mine.appendRecord() }
        let other = h.writer("logs/other.log", idPrefix: "other")
        _ = (0..<4).map { _ in other.appendRecord() }
        let pattern = h.path("logs/*.log")
        var allowed = Set([UInt32(getuid())])
        if getuid() == 0 {
            // Root (CI): give the second file to another user.
            #expect(chown(h.path("logs/other.log"), 4321, 4321) == 0)
        } else {
            // Not root: the same check seen from the other side, with both files owned by us.
            allowed = [UInt32(getuid()) + 1]
        }
        let found = FileDiscovery(patterns: [pattern], admission: [pattern: FileAdmission(allowedOwners: allowed)]).discoverAdmitted()
        #expect(found.refused.allSatisfy { $0.reason.contains("not one of allowed_owners") }, "\(found.refused)")
        if getuid() == 0 {
            #expect(found.refused.map(\.path) == [h.path("logs/other.log")])
            try pipeline(h, pattern, FileAdmission(allowedOwners: allowed)).pollOnce()
            h.expectStoredExactlyOnce(mineIDs)
        } else {
            #expect(found.files.isEmpty && found.refused.count == 2)
        }
    }
}
