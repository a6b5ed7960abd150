import Foundation

/// Debian's chromium (installed by scripts/setup) for tests that render a page the way a person sees it.
public enum HeadlessChromium {
    /// The first of the usual chromium paths that exists.
    public static var path: String? {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The flags for a headless run with its own profile directory, console messages on stderr (a test asserts
    /// there are none); add `--dump-dom URL` or `--screenshot=FILE --window-size=W,H URL`.
    public static func arguments(profile: String) -> [String] {
        ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(profile)", "--enable-logging=stderr", "--v=0"]
    }

    /// Whether `file` is a PNG image of at least `minBytes` (a blank screenshot is a few hundred bytes).
    public static func isPNG(_ file: String, atLeast minBytes: Int) -> Bool {
        guard let data = FileManager.default.contents(atPath: file) else { return false }
        return data.count >= minBytes && Array(data.prefix(4)) == [0x89, 0x50, 0x4E, 0x47]
    }
}
