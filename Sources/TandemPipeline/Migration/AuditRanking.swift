import Foundation
import TandemCore

/// The tenants of an audit report (`tandem audit`'s DIR/report.json, schemas/audit-report.schema.json) in
/// its order: lowest migration risk first. Only `tenants[].tenant` is read.
public enum AuditRanking {
    /// The ranked tenants from the report in `directory` (or the report file itself).
    /// - Throws: `MigrationError.audit` when it is missing, not JSON, or has no `tenants` list.
    public static func tenants(audit directory: String) throws(MigrationError) -> [String] {
        var isDir: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: directory, isDirectory: &isDir)
        let path = exists && isDir.boolValue ? directory + "/report.json" : directory
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .audit(path: path, reason: "cannot be read (run tandem audit --out DIR first)")
        }
        let doc: JSONValue
        do { doc = try JSONValue.parse([UInt8](data)) } catch { throw .audit(path: path, reason: "not valid JSON: \(error)") }
        guard let list = doc["tenants"]?.array else {
            throw .audit(path: path, reason: "has no \"tenants\" list (an audit without --tenant-column ranks no tenant)")
        }
        var out: [String] = []
        for (i, item) in list.enumerated() {
            guard let t = item["tenant"]?.string else { throw .audit(path: path, reason: "tenants[\(i)] has no \"tenant\" string") }
            out.append(t)
        }
        return out
    }
}
