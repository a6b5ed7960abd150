import Foundation
import TandemCore

/// A mailer's delivery report (CSV with a header: `email`, `status` = delivered / bounced / sent, optional `at`),
/// read into notice records for a cohort's recipients.
public enum DeliveryReport {
    /// The records of the report at `path`; rows without `at` take `defaultAt`.
    /// - Throws: `NotifyError.report` naming the line: unreadable, no header, a bad status or time, an address
    ///   that is not a contact of the cohort.
    public static func read(path: String, plan: NotifyPlan, kind: MessageKind, defaultAt: Timestamp, who: String) throws(NotifyError) -> [NoticeRecord] {
        guard let data = FileManager.default.contents(atPath: path) else { throw .report(file: path, line: 0, reason: "cannot read the file") }
        let records: [[String]]
        switch CSVText.parse(String(decoding: data, as: UTF8.self)) {
        case .success(let r): records = r
        case .failure(let f): throw .report(file: path, line: f.line, reason: "a quoted field is not closed")
        }
        guard let header = records.first?.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }),
              let emailAt = header.firstIndex(of: "email"), let statusAt = header.firstIndex(of: "status") else {
            throw .report(file: path, line: 1, reason: "no header naming the columns email and status")
        }
        let timeAt = header.firstIndex(of: "at")
        var tenantOf: [String: String] = [:]
        for c in plan.recipients { tenantOf[c.email!] = c.tenant }
        var out: [NoticeRecord] = []
        for (i, row) in records.dropFirst().enumerated() {
            let line = i + 2
            func field(_ at: Int) -> String { at < row.count ? row[at].trimmingCharacters(in: .whitespaces) : "" }
            let email = field(emailAt).lowercased(), status = field(statusAt).lowercased()
            guard ["delivered", "bounced", "sent"].contains(status) else {
                throw .report(file: path, line: line, reason: "status \"\(TerminalText.escaped(status))\" is not delivered, bounced or sent")
            }
            guard let tenant = tenantOf[email] else {
                throw .report(file: path, line: line, reason: "\(TerminalText.escaped(email)) is not a contact of cohort \(plan.cohort.name)")
            }
            var at = defaultAt
            if let timeAt, !field(timeAt).isEmpty {
                do { at = try Timestamp(rfc3339: field(timeAt)) } catch { throw .report(file: path, line: line, reason: "at: \(error)") }
            }
            out.append(NoticeRecord(tenant: tenant, email: email, kind: kind.rawValue, status: status, at: at, who: who))
        }
        return out
    }
}
