import Testing
@testable import DriftwatchIngest

@Suite struct FileIdentityTests {
    @Test func fnv1aMatchesReferenceVectors() {
        // Published FNV-1a 64 test vectors.
        #expect(FileIdentity.fnv1a64Hex([UInt8]()) == "cbf29ce484222325")
        #expect(FileIdentity.fnv1a64Hex(Array("a".utf8)) == "af63dc4c8601ec8c")
        #expect(FileIdentity.fnv1a64Hex(Array("foobar".utf8)) == "85944171f73967e8")
    }

    @Test func identityIsTheFirstLine() throws {
        let a = try #require(FileIdentity(head: Array("foobar\nsecond\n".utf8)))
        let b = try #require(FileIdentity(head: Array("foobar\nother".utf8)))
        #expect(a == b)
        #expect(a.fingerprint == "85944171f73967e8")
        #expect(a.matches(head: Array("foobar\nzzz".utf8)))
        #expect(!a.matches(head: Array("foobar2\n".utf8)))
        #expect(!a.matches(head: Array("foo".utf8)))
        #expect(!a.matches(head: Array("foobar".utf8)), "a terminated first line needs its newline")
    }

    @Test func incompleteFirstLineHasNoIdentityUntilCapped() {
        #expect(FileIdentity(head: Array("partial line".utf8)) == nil)
        #expect(FileIdentity(head: [UInt8]()) == nil)
        let long = [UInt8](repeating: UInt8(ascii: "x"), count: 1500)
        let capped = FileIdentity(head: long)
        #expect(capped?.prefix.count == FileIdentity.maxBytes)
        #expect(capped == FileIdentity(head: long.prefix(1024) + [0x41]))
    }
}
