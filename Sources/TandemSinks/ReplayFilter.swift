import TandemCore

/// The filter a replay or rewind applies: `EventFilter` (TandemCore). The old name stays while the daemon's
/// configuration code still says `ReplayFilter`; new code says `EventFilter`.
public typealias ReplayFilter = EventFilter
