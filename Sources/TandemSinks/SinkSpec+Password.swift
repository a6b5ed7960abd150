import Foundation
import TandemPostgres

extension SinkSpec {
    /// True for a PostgreSQL sink (the only kind a password applies to).
    public var isPostgres: Bool { if case .postgres = kind { return true } else { return false } }

    /// This spec with `password` added to its PostgreSQL connection string (a secret kept out of the config
    /// file: systemd credentials, a password file). The password never appears in `description` or an error.
    /// - Throws: `SinkError.badSpec` when the sink is not PostgreSQL or its connection string already holds a
    ///   password (two sources of one secret would leave it unclear which one is used).
    public func addingPassword(_ password: String) throws -> SinkSpec {
        guard case .postgres(let conninfo) = kind else {
            throw SinkError.badSpec(spec: description, reason: "a password applies to a postgres sink only")
        }
        let parsed = try PostgresRedactor(sinkConninfo: conninfo)
        if let given = parsed.fields["password"], !given.isEmpty {
            throw SinkError.badSpec(spec: description, reason: "the connection string already holds a password")
        }
        var copy = self
        if conninfo.hasPrefix("postgres://") || conninfo.hasPrefix("postgresql://") {
            // RFC 3986 unreserved characters only: anything else in the password is percent-encoded.
            var unreserved = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(127)))
            unreserved.insert(charactersIn: "-._~")
            let encoded = password.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
            let (base, fragment) = conninfo.firstIndex(of: "#").map { (String(conninfo[..<$0]), String(conninfo[$0...])) }
                ?? (conninfo, "")
            copy.kind = .postgres(conninfo: base + (base.contains("?") ? "&" : "?") + "password=" + encoded + fragment)
        } else {
            // key=value form: a quoted value with \ and ' escaped, as libpq reads it.
            let quoted = password.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
            copy.kind = .postgres(conninfo: conninfo + " password='" + quoted + "'")
        }
        // libpq must read back exactly this password: an encoding slip would fail later, at connect, as a
        // wrong password.
        guard case .postgres(let result) = copy.kind, try PostgresRedactor(sinkConninfo: result).fields["password"] == password else {
            throw SinkError.badSpec(spec: description, reason: "the password cannot be added to this connection string")
        }
        return copy
    }
}
