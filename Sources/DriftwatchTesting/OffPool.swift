import Foundation

/// Runs blocking work (a child process to its end, a writer that sleeps between lines) on a thread of its own.
///
/// Swift Testing runs every test, synchronous ones included, on the cooperative pool, which has one
/// thread per core: two on CI. A test that blocks a pool thread for seconds starves every other test of
/// the run, and their wall-clock deadlines then expire while they never got to run (CI stop 10: a webhook
/// test saw its 180 s drain deadline pass after two attempts). So nothing in the tests blocks a pool thread:
/// blocking work goes through here, and waits in async code are `Task.sleep`.
@discardableResult
public func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.stackSize = 8 << 20
        thread.start()
    }
}

/// Polls `condition` every 20 ms until it holds or `seconds` pass, without holding a pool thread.
public func eventually(_ seconds: Double, _ condition: () throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
        if try condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try condition()
}
