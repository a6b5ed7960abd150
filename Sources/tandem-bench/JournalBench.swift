/// `tandem-bench journal`: durable append, sequential read and seek figures against raw-disk ceilings.
enum JournalBench {
    static func run() throws {}
}
