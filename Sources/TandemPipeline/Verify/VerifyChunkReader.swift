import Foundation
import TandemCore

/// Reads the legacy side of one entity in place on its own thread and connection, up to `depth` chunks ahead
/// of the verify: on two cores the legacy store's next chunk is read while the new store's current one is.
// @unchecked Sendable: `store` and `hasher` are used only by the reader's thread, from `start()` until it
// ends (`stop()` waits for that, and the owner closes `store` only after); `items`, `stopped` and `finished`
// are read and written only with `condition` locked.
final class LegacyChunkReader: @unchecked Sendable {
    /// What the reader hands over: a chunk, the store or mapping cannot be read in place, or a read failed.
    enum Item {
        case chunk(ChunkSum)
        case rowsOnly
        case failed(any Error)
    }

    private let store: any VerifyStore
    private let hasher: ChunkHasher
    private let entity: VerifyEntity
    private let limit: Int
    private let depth: Int
    private let condition = NSCondition()
    private var items: [Item] = []
    private var stopped = false
    private var finished = false
    private var after: [Value]?
    private var previousKey: [Value]?

    /// A reader of `entity`'s legacy chunks of `limit` rows after `after` (the first row's key must follow
    /// `previousKey`), on `store`, which it owns until `stop()` returns.
    init(store: any VerifyStore, hasher: ChunkHasher, entity: VerifyEntity, after: [Value]?, previousKey: [Value]?, limit: Int, depth: Int = 2) {
        self.store = store; self.hasher = hasher; self.entity = entity; self.after = after; self.previousKey = previousKey
        self.limit = limit; self.depth = depth
    }

    /// Starts the reader's thread.
    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "tandem.verify.legacy"
        thread.start()
    }

    private func run() {
        while true {
            let item: Item
            do {
                hasher.start(previousKey: previousKey)
                if try store.scan(entity.source, key: entity.sourceKey, after: after, through: nil, limit: limit, into: hasher) {
                    item = .chunk(hasher.chunk)
                    after = hasher.chunk.lastKey
                    previousKey = hasher.chunk.lastKey
                } else {
                    item = .rowsOnly
                }
            } catch {
                item = .failed(error)
            }
            condition.lock()
            while items.count >= depth, !stopped { condition.wait() }
            let stop = stopped
            if !stop { items.append(item); condition.broadcast() }
            condition.unlock()
            guard !stop, case .chunk(let c) = item, c.read == limit else { break }
        }
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// The next item, waiting for it (`rowsOnly` once the reader has ended and handed over everything).
    func next() -> Item {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty, !finished { condition.wait() }
        guard !items.isEmpty else { return .rowsOnly }
        let item = items.removeFirst()
        condition.broadcast()
        return item
    }

    /// Stops the reader and waits for its thread to end (it finishes the chunk it is reading).
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
    }
}
