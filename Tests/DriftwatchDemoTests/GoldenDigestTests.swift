import DriftwatchCore
import DriftwatchDemo
import Testing

/// Pins the bytes of existing workloads: extending the generator (new parameters, new kinds) must not change
/// what an existing spec produces, or every stored demo and every scenario result silently moves. The digests
/// were taken before the `task=` and `slice=` extensions; update them only when a change is meant to alter output.
@Suite struct GoldenDigestTests {
    static let cases: [(String, UInt64)] = [
        ("mixed", 15994545740441353414),
        ("noise", 16619492567405044496),
        ("checkpoint-regression", 14197198435776571068),
        ("retrieval", 12029109787892554355),
        ("template-canary", 10793470836082179869),
    ]

    @Test(arguments: 0..<cases.count)
    func presetBytesAreUnchanged(_ index: Int) throws {
        let (name, digest) = Self.cases[index]
        var configuration = try WorkloadPreset.named(name).configuration(seed: 3, requestsPerMinute: 40)
        configuration.length = .duration(micros: 8 * hourMicros)
        var generator = try WorkloadGenerator(configuration)
        var bytes: [UInt8] = []
        _ = generator.appendLines(.max, to: &bytes)
        let actual = fnv1a(bytes)
        #expect(actual == digest, "\(name): \(actual)")
    }

    private func fnv1a(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in bytes { hash = (hash ^ UInt64(b)) &* 0x100_0000_01B3 }
        return hash
    }
}
