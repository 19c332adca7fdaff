import DriftwatchCore
import DriftwatchDemo
import Foundation
import Testing

@Suite struct WorkloadWriterTests {
    private func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("dw-demo-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func writesOneFileWithTheGeneratorsLines() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let configuration = WorkloadConfiguration(seed: 6, length: .records(5000))
        let summary = try WorkloadWriter(path: "\(dir)/demo.jsonl", bufferSize: 4096).write(try WorkloadGenerator(configuration))
        let data = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/demo.jsonl"))
        #expect(summary.records == 5000)
        #expect(summary.bytes == data.count)
        var generator = try WorkloadGenerator(configuration)
        var expected: [UInt8] = []
        _ = generator.appendLines(.max, to: &expected)
        #expect(Array(data) == expected)
    }

    @Test func splitsRoundRobinKeepingEachFileInOrder() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let writer = WorkloadWriter(path: "\(dir)/svc.log.jsonl", fileCount: 3)
        #expect(writer.paths == ["\(dir)/svc.log-0.jsonl", "\(dir)/svc.log-1.jsonl", "\(dir)/svc.log-2.jsonl"])
        let summary = try writer.write(try WorkloadGenerator(WorkloadConfiguration(seed: 6, length: .records(1000))))
        #expect(summary.files.map(\.records) == [334, 333, 333])
        var all: [RequestRecord] = Array(try WorkloadGenerator(WorkloadConfiguration(seed: 6, length: .records(1000))))
        let encoder = RecordEncoder()
        for (i, file) in summary.files.enumerated() {
            let lines = try Data(contentsOf: URL(fileURLWithPath: file.path)).split(separator: 0x0A)
            #expect(lines.count == file.records)
            for (j, line) in lines.enumerated() { #expect(Array(line) == encoder.encode(all[j * 3 + i])) }
        }
        all.removeAll()
    }

    @Test func appendsWhenAsked() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = "\(dir)/a.jsonl"
        let writer = WorkloadWriter(path: path, append: true)
        try writer.write(try WorkloadGenerator(WorkloadConfiguration(seed: 1, length: .records(10))))
        try writer.write(try WorkloadGenerator(WorkloadConfiguration(seed: 2, length: .records(10))))
        let lines = try Data(contentsOf: URL(fileURLWithPath: path)).split(separator: 0x0A)
        #expect(lines.count == 20)
    }

    @Test func rejectsBadFileCounts() {
        #expect(throws: DriftwatchError.self) {
            try WorkloadWriter(path: "/tmp/never.jsonl", fileCount: 0).write(try WorkloadGenerator(WorkloadConfiguration(length: .records(1))))
        }
    }

    @Test func reportsUnwritablePaths() {
        let writer = WorkloadWriter(path: "/nonexistent-dir/x.jsonl")
        do {
            try writer.write(try WorkloadGenerator(WorkloadConfiguration(length: .records(1))))
            Issue.record("wrote to a missing directory")
        } catch {
            #expect(error.code == .io)
            #expect(error.message.contains("/nonexistent-dir/x.jsonl"))
        }
    }
}
