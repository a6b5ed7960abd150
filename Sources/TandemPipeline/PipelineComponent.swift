import TandemCore

/// Where one part of the running pipeline stands (the source, the journal, a sink, the HTTP server), as the
/// daemon reports it in `/healthz`, `/status` and `tandem_sink_state`.
public enum ComponentState: String, Sendable, Hashable, CaseIterable {
    /// Starting up or recovering; not yet serving.
    case starting
    /// Working, or idle with nothing to do.
    case running
    /// Working with a fault it is retrying (a store down, a full disk): it resumes by itself.
    case degraded
    /// Stopped by a fault that needs an operator (a poison event, a configuration error).
    case stopped
}
