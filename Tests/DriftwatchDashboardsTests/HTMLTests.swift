import DriftwatchCore
@testable import DriftwatchDashboards
import Testing

@Suite struct HTMLTests {
    @Test func escapesMarkupQuotesAndControlCharacters() {
        #expect(HTML.escape("<script>alert('x')</script>") == "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;")
        #expect(HTML.escape("a\"b&c") == "a&quot;b&amp;c")
        #expect(HTML.escape("x\u{0}y\u{1B}z\u{7F}") == "xyz")
        #expect(HTML.escape("مرحبا 🚀") == "مرحبا 🚀")
        #expect(HTML.escape("a\u{202E}b\u{2066}c") == "abc")
    }

    @Test func truncatesLongTextWithTheFullTextInATitle() {
        let long = String(repeating: "a", count: 200) + "<b>"
        let out = HTML.text(long, limit: 20)
        #expect(out.hasPrefix("<bdi title=\"" + String(repeating: "a", count: 200) + "&lt;b&gt;\">"))
        #expect(out.contains(">" + String(repeating: "a", count: 19) + "…</bdi>"))
        #expect(HTML.text("short") == "<bdi>short</bdi>")
    }

    @Test func percentEncodingLeavesNoSchemeQuoteOrSeparator() {
        #expect(HTML.percentEncode("javascript:alert(1)") == "javascript%3Aalert%281%29")
        #expect(HTML.percentEncode("a b\"/?#é") == "a%20b%22%2F%3F%23%C3%A9")
        #expect(HTML.fileLink("javascript:document.title='x'") == "javascript%3Adocument.title%3D%27x%27")
        #expect(HTML.fileLink("./exports/inc 1.jsonl") == "exports/inc%201.jsonl")
        #expect(HTML.fileLink("/var/lib/x.jsonl") == "file:///var/lib/x.jsonl")
        #expect(HTML.fileLink("") == nil)
    }

    @Test func sha256MatchesTheFIPSVectors() {
        func hex(_ b: [UInt8]) -> String { b.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined() }
        #expect(hex(SHA256.hash(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(hex(SHA256.hash([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(hex(SHA256.hash(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(Base64.encode(Array("Man".utf8)) == "TWFu")
        #expect(Base64.encode(Array("Ma".utf8)) == "TWE=")
    }

    @Test func numbersFormatWithoutLocale() {
        #expect(Format.integer(Int64(1234567)) == "1,234,567")
        #expect(Format.fixed(0.05, digits: 1) == "0.1")
        #expect(Format.fixed(-2.25, digits: 2) == "-2.25")
        #expect(Format.percent(0.9134) == "91.3%")
        #expect(TimeFormat.minute(1_736_121_600_000_000) == "2025-01-06 00:00")
        #expect(TimeFormat.minute(1_736_121_600_000_000 + 86_400_000_000 * 60 + 3_660_000_000) == "2025-03-07 01:01")
    }
}
