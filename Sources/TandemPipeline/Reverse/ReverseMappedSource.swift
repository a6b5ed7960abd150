import TandemCore
import TandemSources

/// A source of the new store (its change table: `sqlite-changelog` or `postgres-changelog`) whose changes come
/// out as legacy changes (`ReverseMapper`, origin `new`); one that cannot go back is a failure with its reason
/// and the new-store change as raw input, for the quarantine. With `tenants`, a change of a tenant it does not
/// carry back comes out skipped (neither journaled nor quarantined), decided from the state file as read after
/// the batch (`ReverseTenants`).
public final class ReverseMappedSource: ChangeSource {
    /// The new store's source.
    public let inner: any ChangeSource
    let mapper: ReverseMapper
    let tenants: ReverseTenants?

    /// Wraps the new store's source; every change goes back.
    public convenience init(_ inner: any ChangeSource, mapper: ReverseMapper) {
        self.init(inner, mapper: mapper, tenants: nil)
    }

    init(_ inner: any ChangeSource, mapper: ReverseMapper, tenants: ReverseTenants?) {
        self.inner = inner
        self.mapper = mapper
        self.tenants = tenants
    }

    public var description: String { "reverse:\(inner.description)" }
    public var rawFormat: RawFormat { .tandem }
    public func recognizes(_ position: String) -> Bool { inner.recognizes(position) }
    public func open(after position: String?) throws { try inner.open(after: position) }
    public func acknowledge(through position: String) throws { try inner.acknowledge(through: position) }
    public func close() { inner.close() }

    public func read(limit: Int, wait: Duration?, stop: StopSignal?) throws -> [SourceRecord] {
        var records = try inner.read(limit: limit, wait: wait, stop: stop)
        if let tenants, !records.isEmpty { try tenants.refresh() }
        for i in records.indices {
            guard let change = records[i].change.take() else { continue }
            // A change of a tenant not carried back (a `done` cohort's, one without a tenant) is passed over,
            // never quarantined: it is not the reverse flow's to carry.
            if let tenants, !(mapper.tenant(of: change).map { tenants.carried.contains($0) } ?? false) {
                records[i] = SourceRecord(skippedAt: records[i].position)
                continue
            }
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
