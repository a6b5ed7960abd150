// swift-tools-version:6.0
import PackageDescription

// Layers (README.md, "How Tandem works"): each target imports only the ones below it.
//   TandemCore → TandemJournal → TandemSQLite / TandemPostgres → TandemSources / TandemSinks → TandemPipeline → tandem
//   TandemAudit (profiling legacy stores, `tandem audit`) sits beside TandemPipeline: it reads sources, writes no journal.
// TandemTesting (what the test targets share) sits beside `tandem`: test targets depend on it, `tandem` never does.
// C libraries are reached through system-library targets and wrapped in one layer only.
let package = Package(
    name: "Tandem",
    products: [
        .executable(name: "tandem", targets: ["tandem"]),
    ],
    dependencies: [],
    targets: [
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3",
                       providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CPostgres", path: "Sources/CPostgres", pkgConfig: "libpq",
                       providers: [.apt(["libpq-dev"])]),
        .target(name: "TandemCore", path: "Sources/TandemCore"),
        .target(name: "TandemJournal", dependencies: ["TandemCore"], path: "Sources/TandemJournal"),
        .target(name: "TandemSQLite", dependencies: ["TandemCore", "CSQLite"], path: "Sources/TandemSQLite"),
        .target(name: "TandemPostgres", dependencies: ["CPostgres"], path: "Sources/TandemPostgres"),
        .target(name: "TandemSources", dependencies: ["TandemCore", "TandemSQLite", "TandemPostgres"],
                path: "Sources/TandemSources"),
        .target(name: "TandemSinks", dependencies: ["TandemCore", "TandemSQLite", "TandemPostgres"],
                path: "Sources/TandemSinks"),
        .target(name: "TandemPipeline",
                dependencies: ["TandemCore", "TandemJournal", "TandemSQLite", "TandemSources", "TandemSinks"],
                path: "Sources/TandemPipeline"),
        .target(name: "TandemAudit", dependencies: ["TandemCore", "TandemSQLite", "TandemPostgres", "TandemSources"],
                path: "Sources/TandemAudit"),
        // What several test targets share (temp dirs, log capture, the binary locator, event streams, a simulated
        // file system, the source and sink conformance suites). Test targets only: never linked into `tandem`.
        .target(name: "TandemTesting",
                dependencies: ["TandemCore", "TandemJournal", "TandemSQLite", "TandemPostgres", "TandemSources", "TandemSinks",
                               "TandemPipeline"],
                path: "Sources/TandemTesting"),
        .executableTarget(name: "tandem",
                          dependencies: ["TandemCore", "TandemJournal", "TandemSources", "TandemSinks", "TandemPipeline", "TandemAudit"],
                          path: "Sources/tandem"),
        .executableTarget(name: "tandem-bench",
                          dependencies: ["TandemCore", "TandemJournal", "TandemSQLite", "TandemSinks", "TandemSources", "TandemPipeline", "TandemAudit", "CSQLite", "CPostgres"],
                          path: "Sources/tandem-bench"),
        .testTarget(name: "TandemCoreTests", dependencies: ["TandemCore"], path: "Tests/TandemCoreTests"),
        .testTarget(name: "TandemJournalTests", dependencies: ["TandemCore", "TandemJournal", "TandemTesting"],
                    path: "Tests/TandemJournalTests"),
        .testTarget(name: "TandemSourcesTests", dependencies: ["TandemCore", "TandemJournal", "TandemPostgres", "TandemSources", "TandemPipeline", "TandemTesting"],
                    path: "Tests/TandemSourcesTests", exclude: ["Fixtures"]),  // read in place via #filePath
        .testTarget(name: "TandemSinksTests", dependencies: ["TandemCore", "TandemJournal", "TandemPostgres", "TandemSinks", "TandemPipeline", "TandemTesting"],
                    path: "Tests/TandemSinksTests"),
        .testTarget(name: "TandemPipelineTests", dependencies: ["TandemCore", "TandemJournal", "TandemSQLite", "TandemPostgres", "TandemSources", "TandemSinks", "TandemPipeline", "TandemTesting"],
                    path: "Tests/TandemPipelineTests"),
        .testTarget(name: "TandemAuditTests", dependencies: ["tandem", "TandemCore", "TandemSQLite", "TandemPostgres", "TandemSources", "TandemAudit"],
                    path: "Tests/TandemAuditTests", exclude: ["Fixtures"]),  // read in place via #filePath
        .testTarget(name: "TandemCLITests", dependencies: ["tandem", "TandemCore", "TandemJournal", "TandemTesting"],
                    path: "Tests/TandemCLITests", exclude: ["Fixtures"]),  // read in place via #filePath
    ],
    swiftLanguageModes: [.v6]
)
