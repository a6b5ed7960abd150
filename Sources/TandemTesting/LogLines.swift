import Foundation

/// Log lines collected from any thread (a journal's logger, a source's or sink's log closure), for assertions.
// @unchecked Sendable: `lines` is only touched while holding `lock`.
public final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    /// An empty collection.
    public init() {}

    /// Adds a line.
    public func add(_ s: String) { lock.withLock { lines.append(s) } }
    /// Every line so far, in order.
    public var all: [String] { lock.withLock { lines } }
    /// A log closure that adds to this collection.
    public var sink: @Sendable (String) -> Void { { [self] in self.add($0) } }
}
