/// File-path text helpers that need no file system.
public enum PathText {
    /// The directory part of `path`: "a/b" → "a", "/x" → "/", "journal" → ".".
    ///
    /// Not `NSString.deletingLastPathComponent`: on Linux it traps on a path of one relative component.
    public static func parent(of path: String) -> String {
        var p = Substring(path)
        while p.count > 1 && p.hasSuffix("/") { p = p.dropLast() }
        guard let slash = p.lastIndex(of: "/") else { return "." }
        if slash == p.startIndex { return "/" }
        return String(p[..<slash])
    }
}
