import TandemCore
import TandemSources

/// A source of the new store (its change table: `sqlite-changelog` or `postgres-changelog`) whose changes come
/// out as legacy changes (`ReverseMapper`, origin `new`); one that cannot go back is a failure with its reason
/// and the new-store change as raw input, for the quarantine.
public final class ReverseMappedSource: ChangeSource {
    /// The new store's source.
    public let inner: any ChangeSource
    let mapper: ReverseMapper

    /// Wraps the new store's source.
    public init(_ inner: any ChangeSource, mapper: ReverseMapper) {
        self.inner = inner
        self.mapper = mapper
    }

    public var description: String { "reverse:\(inner.description)" }
    public var rawFormat: RawFormat { .tandem }
    public func recognizes(_ position: String) -> Bool { inner.recognizes(position) }
    public func open(after position: String?) throws { try inner.open(after: position) }
    public func acknowledge(through position: String) throws { try inner.acknowledge(through: position) }
    public func close() { inner.close() }

    public func read(limit: Int, wait: Duration?, stop: StopSignal?) throws -> [SourceRecord] {
        var records = try inner.read(limit: limit, wait: wait, stop: stop)
        for i in records.indices {
            guard let change = records[i].change.take() else { continue }
            switch mapper.apply(change) {
            case .event(let e): records[i].change = e
            case .rejected(let j):
                // The change as the new store recorded it: what the operator reads and a retry starts from.
                records[i] = SourceRecord(position: records[i].position, failure: j, raw: EventJSON.encode(change))
            }
        }
        return records
    }
}
