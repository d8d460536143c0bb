import ArgumentParser
import KeywardServer
import KeywardClient
import KeywardScan

@main
struct Keyward: AsyncParsableCommand {
    func run() async throws {}
}
