/// One row of one entity, told apart as the stores tell rows apart (`ExactText` entity, `KeyIdentity` key),
/// whatever order the key's columns come in.
public struct RowIdentity: Hashable, Sendable {
    /// The entity, byte for byte.
    public let entity: ExactText
    /// The key, its columns in name order.
    public let key: KeyIdentity

    /// The row `event` changes.
    public init(_ event: Event) {
        entity = ExactText(event.entity)
        key = KeyIdentity(ordered: KeyIdentity.reorder(event.key, to: event.key.names.sorted()) ?? event.key)
    }
}
