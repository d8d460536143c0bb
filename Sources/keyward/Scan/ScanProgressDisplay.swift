import Foundation
import KeywardScan
import Synchronization

/// A one-line progress display on standard error, redrawn four times a second while a scan
/// runs: inputs, bytes, rate, findings so far. Only on a terminal: in CI logs and pipes it
/// would be noise.
final class ScanProgressDisplay: Sendable {
    private let progress: ScanProgress
    private let running = Atomic<Bool>(true)
    private let finished = DispatchSemaphore(value: 0)
    private let started = ContinuousClock.now

    static func startIfTerminal(_ progress: ScanProgress) -> ScanProgressDisplay? {
        guard isatty(STDERR_FILENO) != 0 else { return nil }
        let display = ScanProgressDisplay(progress: progress)
        Thread.detachNewThread { display.loop() }
        return display
    }

    private init(progress: ScanProgress) { self.progress = progress }

    private func loop() {
        while running.load(ordering: .acquiring) {
            usleep(250_000)
            guard running.load(ordering: .acquiring) else { break }
            draw()
        }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
        finished.signal()
    }

    private func draw() {
        let done = progress.inputsDone.load(ordering: .relaxed)
        let total = progress.inputsTotal.load(ordering: .relaxed)
        let bytes = progress.bytesDone.load(ordering: .relaxed)
        let found = progress.findings.load(ordering: .relaxed)
        let elapsed = ContinuousClock.now - started
        let seconds = max(0.001, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        let rate = Double(bytes) / 1e6 / seconds
        let counted = total > 0 ? "\(done)/\(total)" : "\(done)"
        let line = "scanning: \(counted) \(progress.unit), \(ByteCount.text(bytes)), \(String(format: "%.0f", rate)) MB/s, \(found) finding(s)"
        FileHandle.standardError.write(Data("\r\u{1B}[2K\(line)".utf8))
    }

    func stop() {
        running.store(false, ordering: .releasing)
        finished.wait()
    }
}
