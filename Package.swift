// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "keyward",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "keyward", targets: ["keyward"]),
        .library(name: "KeywardCore", targets: ["KeywardCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/vapor/sql-kit", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-kit", from: "2.17.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // Already in the graph through Hummingbird; named for the verify fast path's channel handler
        // and for the tests that speak raw HTTP/1.1 to it.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    ],
    targets: [
        // Pure domain: key format, records, lifecycle, verification, audit chain. No I/O.
        .target(
            name: "KeywardCore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
        ),
        // Persistence on SQLKit: SQLite (embedded default) and PostgreSQL (scale-out) share one code path.
        .target(
            name: "KeywardStore",
            dependencies: [
                "KeywardCore",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                // A thread pool per SQLite file (SQLiteBackend says why).
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // zlib (the system's, which Foundation on Linux links anyway) to inflate .zip/.jar/.tar.gz
        // entries for the scanner: a few calls, no package needed for it.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        // Secret detection over byte sources; needs no database. Rules ship as data in Resources.
        .target(
            name: "KeywardScan",
            dependencies: ["KeywardCore", "CZlib"],
            resources: [.copy("Resources")]
        ),
        // Other systems' exports (AWS, GCP, GitHub, CSV, JSON) turned into inventory records.
        .target(
            name: "KeywardImport",
            dependencies: ["KeywardCore"]
        ),
        // Policy as code: YAML policies evaluated over the inventory into findings.
        .target(
            name: "KeywardPolicy",
            dependencies: ["KeywardCore", .product(name: "Yams", package: "Yams")]
        ),
        // Governance against the store: imports, findings, owners, reviews, reports (issue 4).
        .target(
            name: "KeywardGovernance",
            dependencies: [
                "KeywardCore", "KeywardStore", "KeywardImport", "KeywardPolicy",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Live provider connectors (issue 12): read external keys at AWS, GitHub, GCP, OpenAI,
        // Anthropic into the importers' shapes, and deactivate them there.
        .target(
            name: "KeywardConnectors",
            dependencies: [
                "KeywardCore", "KeywardImport", "KeywardStore", "KeywardGovernance",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The JSON shapes of the HTTP API, shared by server and client.
        .target(
            name: "KeywardAPI",
            dependencies: ["KeywardCore"]
        ),
        // The one typed configuration: the settings table, and flags, variables and the YAML file read through it.
        .target(
            name: "KeywardSettings",
            dependencies: ["KeywardCore", .product(name: "Yams", package: "Yams")]
        ),
        // The composition root: a deployment (store, key and governance services) opened from its configuration.
        .target(
            name: "KeywardDeployment",
            dependencies: [
                "KeywardCore", "KeywardSettings", "KeywardStore", "KeywardGovernance",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // HTTP API on Hummingbird.
        .target(
            name: "KeywardServer",
            dependencies: [
                "KeywardCore", "KeywardSettings", "KeywardDeployment", "KeywardStore", "KeywardAPI", "KeywardGovernance", "KeywardImport", "KeywardPolicy",
                "KeywardConnectors",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                // Verifying GitHub's secret-scanning signatures (ECDSA P-256).
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Mustache", package: "swift-mustache"),
                // /metrics: swift-metrics handles, kept in a Prometheus registry per node.
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                // Webhook deliveries.
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                // Resolving webhook hosts on NIO's blocking pool (WebhookTarget).
                .product(name: "NIOPosix", package: "swift-nio"),
                // Optional TLS (`--tls-cert`, `--tls-key`), its files re-read when they change.
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                // The verify fast path: a channel handler on Hummingbird's HTTP parts.
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            resources: [.copy("Resources/openapi.json"), .copy("Dashboard/Templates"), .copy("Dashboard/Static")]
        ),
        // Typed client for the HTTP API, used by the CLI, drills and end-to-end tests.
        .target(
            name: "KeywardClient",
            dependencies: [
                "KeywardCore", "KeywardAPI",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        // The measurements behind `keyward bench …`: synthetic data, timed runs, what the process
        // used. Kept out of the product modules, which link none of it; the CLI parses and prints.
        .target(
            name: "KeywardBenchmarks",
            dependencies: [
                "KeywardCore", "KeywardSettings", "KeywardStore", "KeywardImport", "KeywardPolicy", "KeywardGovernance", "KeywardServer", "KeywardClient",
                "KeywardAPI",
                .product(name: "Logging", package: "swift-log"),
                // The webhook benchmark's receiver and the dispatcher it runs.
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "keyward",
            dependencies: [
                "KeywardCore", "KeywardSettings", "KeywardDeployment", "KeywardStore", "KeywardServer", "KeywardClient", "KeywardAPI", "KeywardScan",
                "KeywardGovernance", "KeywardImport", "KeywardPolicy", "KeywardBenchmarks", "KeywardConnectors",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // Test helpers shared by the test targets (databases of their own on the test PostgreSQL server).
        .target(
            name: "KeywardTestSupport",
            dependencies: ["KeywardStore", .product(name: "SQLKit", package: "sql-kit"), .product(name: "Logging", package: "swift-log")],
            path: "Tests/KeywardTestSupport"
        ),
        .testTarget(name: "KeywardCoreTests", dependencies: ["KeywardCore"]),
        .testTarget(name: "KeywardSettingsTests", dependencies: ["KeywardSettings", "KeywardCore"]),
        .testTarget(name: "KeywardAPITests", dependencies: ["KeywardAPI", "KeywardCore"]),
        .testTarget(
            name: "KeywardStoreTests",
            dependencies: ["KeywardStore", "KeywardTestSupport", .product(name: "SQLKit", package: "sql-kit")]
        ),
        // Fixtures: gitleaks' labelled rule cases (benchmarks/scan/gitleaks_fixture.py builds them).
        .testTarget(name: "KeywardScanTests", dependencies: ["KeywardScan"], resources: [.copy("Fixtures")]),
        // The chunked-reading test imports a report made by the benchmark's generator.
        .testTarget(name: "KeywardImportTests", dependencies: ["KeywardImport", "KeywardBenchmarks"]),
        .testTarget(name: "KeywardPolicyTests", dependencies: ["KeywardPolicy"]),
        .testTarget(
            name: "KeywardConnectorsTests",
            dependencies: [
                "KeywardConnectors", "KeywardCore", "KeywardImport", "KeywardGovernance", "KeywardStore", "KeywardTestSupport",
                // The moto integration tests send through the production transport; the provider
                // fakes of the github, gcp-iam, openai and anthropic tests are real HTTP servers, the
                // Google one checks JWT signatures.
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "KeywardGovernanceTests",
            dependencies: [
                "KeywardGovernance", "KeywardStore", "KeywardImport", "KeywardPolicy", "KeywardCore", "KeywardTestSupport",
                .product(name: "SQLKit", package: "sql-kit"),
            ]
        ),
        .testTarget(
            name: "KeywardServerTests",
            dependencies: [
                "KeywardServer", "KeywardSettings", "KeywardStore", "KeywardClient", "KeywardAPI", "KeywardTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
                // EmbeddedChannel: the verify fast path's handler tested without sockets.
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                // A client that trusts the TLS test's self-signed certificate.
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .testTarget(
            name: "KeywardCLITests",
            dependencies: [
                "KeywardCore", "KeywardClient", "KeywardAPI", "KeywardStore", "KeywardTestSupport", .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                // The dashboard's browser test speaks WebDriver to chromedriver over HTTP.
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
