import DriftwatchStatistics
import Testing

/// The new-document test and Student's t tail against numpy and scipy (Fixtures/make_new_document_fixtures.py).
@Suite struct NewDocumentTestTests {
    @Test func studentTTailMatchesScipy() throws {
        for c in try StatsFixture.cases("tests_new_documents", "studentT") {
            let sf = StudentT.sf(c.double("t"), degreesOfFreedom: c.double("df"))
            expectClose(sf, c.double("sf"), abs: 1e-14, "t.sf(\(c.double("t")), \(c.double("df")))")
        }
    }

    @Test func newDocumentShareAndPValueMatchTheReference() throws {
        for (i, c) in try StatsFixture.cases("tests_new_documents", "newDocuments").enumerated() {
            let parts = try #require(c["parts"] as? [Any]).map { part in
                try #require(part as? [Any]).map { UInt32(try #require($0 as? Double)) }
            }
            let current = c.ints("current").map(UInt32.init)
            let result = try #require(NewDocumentTest.test(parts: parts, current: current), "case \(i)")
            expectClose(result.share, c.double("share"), abs: 1e-15, "share case \(i)")
            expectClose(result.referenceMean, c.double("mean"), abs: 1e-15, "mean case \(i)")
            expectClose(result.referenceSD, c.double("sd"), abs: 1e-15, "sd case \(i)")
            #expect(result.buckets == Int(c.double("buckets")))
            expectClose(result.statistic, c.double("t"), abs: 1e-9, "t case \(i)")
            expectClose(result.pValue, c.double("p"), abs: 1e-14, "p case \(i)")
        }
    }

    @Test func fewerThanThreeReferenceBucketsIsNoTest() {
        #expect(NewDocumentTest.test(parts: [[0, 3, 1], [0, 2, 2]], current: [0, 1, 1]) == nil)
    }
}
