import DriftwatchTesting
import Testing
@testable import DriftwatchIngest
#if canImport(Glibc)
import Glibc
#endif

@Suite struct FileDiscoveryTests {
    @Test func globsMatchRegularFilesOnly() throws {
        let dir = TemporaryDirectory()
        for name in ["a.log", "b.log", "c.txt", "app.log.1", "app.log.2.gz"] {
            LogWriter(path: dir.file(name)).appendLine("x")
        }
        mkdir(dir.file("d.log"), 0o755)
        mkdir(dir.file("sub"), 0o755)
        mkdir(dir.file("sub/deeper"), 0o755)
        LogWriter(path: dir.file("sub/deeper/e.log")).appendLine("hello")

        func names(_ patterns: [String]) -> [String] {
            FileDiscovery(patterns: patterns.map { dir.file($0) }).discover().map { String($0.path.dropFirst(dir.path.count + 1)) }
        }
        #expect(names(["*.log"]) == ["a.log", "b.log"])
        #expect(names(["?.log", "*.txt"]) == ["a.log", "b.log", "c.txt"])
        #expect(names(["[ab].log"]) == ["a.log", "b.log"])
        #expect(names(["app.log*"]) == ["app.log.1", "app.log.2.gz"])
        #expect(names(["{a,c}.*"]) == ["a.log", "c.txt"])
        #expect(names(["**/*.log"]) == ["a.log", "b.log", "sub/deeper/e.log"])
        #expect(names(["*.log", "a.*"]) == ["a.log", "b.log"], "each file once")
        #expect(names(["nothing*"]) == [])

        let e = try #require(FileDiscovery(patterns: [dir.file("sub/*/e.log")]).discover().first)
        var st = stat()
        stat(dir.file("sub/deeper/e.log"), &st)
        #expect(e.inode == UInt64(st.st_ino))
        #expect(e.device == UInt64(st.st_dev))
        #expect(e.size == 6)
    }

    @Test func literalPathsAreNotGlobbed() {
        let dir = TemporaryDirectory()
        LogWriter(path: dir.file("odd[1].log")).appendLine("x")
        #expect(FileDiscovery(literalPaths: [dir.file("odd[1].log")]).discover().count == 1)
        #expect(FileDiscovery(literalPaths: [dir.file("missing.log")]).discover().isEmpty)
    }
}
