import TandemCore

/// `→ cut-over` only when the cohort's customers were told in time (issue 15): its window is scheduled and has
/// started, and every customer who must be told (all of them when the cohort has an action required before
/// cut-over, else those with an email address) has a notice marked sent, not bounced, at least the lead time
/// before the window and after the cohort's last rollback. Without a `notify` block it holds (customers are not tracked).
public struct NoticeGate: CohortGate {
    /// `notice`.
    public var name: String { "notice" }

    /// A gate that needs no parts: its lead time is in the config.
    public init() {}

    /// Every move into `cut-over`.
    public func guards(from: MigrationPhase, to: MigrationPhase) -> Bool { to == .cutOver && from != .cutOver }

    /// Checks the cohort's notices and window against `now`.
    public func check(_ c: GateContext) -> GateResult {
        func result(_ passed: Bool, _ detail: String) -> GateResult { GateResult(gate: name, passed: passed, detail: detail, checkedAt: c.now) }
        guard c.config.notify != nil else { return result(true, "no notify block in the config: customers are not tracked") }
        do {
            let control = try CohortControl(config: c.config, create: false)
            defer { control.state.close() }
            let plan = try Notifier(control: control).plan(c.cohort.name)
            let finding = try NoticeCheck.check(plan, notices: control.state.latestNotices(of: c.cohort.name, kinds: NoticeCheck.announcing), now: c.now)
            return result(finding.missing.isEmpty && finding.problem == nil, finding.detail)
        } catch {
            return result(false, "the notices cannot be checked: \(error)")
        }
    }
}

/// Who of a cohort was not told in time, and whether its window allows the move now.
public struct NoticeCheck: Sendable {
    /// The message kinds that announce a move.
    public static let announcing: Set<String> = [MessageKind.moving.rawValue, MessageKind.actionNeeded.rawValue]

    /// Why the move cannot happen regardless of who was told (no window, window not started), if so.
    public var problem: String?
    /// Each tenant not told in time, with why.
    public var missing: [(tenant: String, why: String)]
    /// Tenants told in time.
    public var told: Int

    /// The finding in one line.
    public var detail: String {
        var parts: [String] = []
        if let problem { parts.append(problem) }
        if !missing.isEmpty {
            let shown = missing.prefix(10).map { "\($0.tenant) (\($0.why))" }.joined(separator: ", ")
            parts.append("\(missing.count) customer(s) not told in time: \(shown)" + (missing.count > 10 ? ", and \(missing.count - 10) more" : "")
                         + " (tandem notify mark-sent)")
        }
        return parts.isEmpty ? "\(told) customer(s) told in time" : parts.joined(separator: "; ")
    }

    /// Checks `plan` against each address's latest announcing notice.
    public static func check(_ plan: NotifyPlan, notices: [String: NoticeRecord], now: Timestamp) -> NoticeCheck {
        var out = NoticeCheck(problem: nil, missing: [], told: 0)
        guard let window = plan.window, let sendBy = plan.sendBy else {
            out.problem = "no window is scheduled (tandem cohort schedule \(plan.cohort.name) --window START..END)"
            return out
        }
        if now.microseconds < window.start.microseconds { out.problem = "its window starts at \(window.start.rfc3339Short), not yet" }
        let mustTellAll = !plan.requiredActions.isEmpty
        let byTenant = Dictionary(grouping: plan.contacts, by: \.tenant)
        for tenant in plan.cohort.tenants {
            let addresses = (byTenant[tenant] ?? []).compactMap(\.email)
            if addresses.isEmpty {
                if mustTellAll { out.missing.append((tenant, "no email: an action is required")) }
                continue
            }
            // A notice from before the last rollback announced the earlier attempt: the next one needs its own.
            let records = addresses.compactMap { notices[$0] }.filter { $0.at.microseconds >= plan.lastRollback?.microseconds ?? .min }
            if records.contains(where: { $0.told && $0.at.microseconds <= sendBy.microseconds }) { out.told += 1; continue }
            if let late = records.first(where: \.told) {
                out.missing.append((tenant, "told \(late.at.rfc3339Short), after \(sendBy.rfc3339Short) = \(plan.leadTime) before the window"))
            } else if let bounced = records.first {
                out.missing.append((tenant, "bounced: \(bounced.email)"))
            } else {
                out.missing.append((tenant, "no notice sent"))
            }
        }
        return out
    }
}
