import Foundation

/// The built `tandem` executable, for tests that run it as an operator would.
public enum TandemBinary {
    /// `tandem` in the build products folder, beside the test bundle (or `.build/debug/tandem`).
    public static let url: URL = {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("tandem")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: ".build/debug/tandem")
    }()
}
