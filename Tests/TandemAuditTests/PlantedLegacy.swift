import Foundation
import TandemCore
import TandemSQLite

/// A generated legacy database with planted trash, and the exact findings an audit must report for it.
/// `products` is the clean control table: no finding at all.
enum PlantedLegacy {
    static let customers = 200
    static let orders = 300
    static let invalidEmails: Set<Int> = [5, 34, 63, 92, 121, 150, 179]
    static let strayWhitespace: Set<Int> = [10, 20, 30, 40]
    static let lowerCountry: Set<Int> = [11, 22, 33]
    static let textCredit: Set<Int> = [7, 70, 170]
    static let badUTF8: Set<Int> = [15, 115]
    static let duplicateCodes: [Int: Int] = [150: 5, 160: 6]  // row → the row whose code it repeats in lower case
    static let orphanOrders: Set<Int> = [3, 50, 99, 150, 201, 299]

    static func tenant(_ i: Int) -> String { String(format: "t%02d", i % 20 + 1) }
    /// Rows whose loyalty_code is set: only tenants t03 and t07 ever set it.
    static func setsLoyalty(_ i: Int) -> Bool { (tenant(i) == "t03" || tenant(i) == "t07") && i % 3 == 0 }
    static var loyaltyRows: Int { (1...customers).filter(setsLoyalty).count }
    /// A settings column every row has, at its default 0 except for tenants t05 and t09, who set it to 1.
    static func newsletter(_ i: Int) -> Int64 { tenant(i) == "t05" || tenant(i) == "t09" ? 1 : 0 }
    static var newsletterRows: Int { (1...customers).filter { newsletter($0) == 1 }.count }
    /// signup formats: 6 in 10 ISO, 3 in 10 dotted, 1 in 10 US slash (day > 12, so month first for sure).
    static func signup(_ i: Int) -> String {
        let day = 13 + i % 15, month = 1 + i % 12
        switch i % 10 {
        case 0..<6: return String(format: "2019-%02d-%02d", month, day)
        case 6..<9: return String(format: "%02d.%02d.2019", day, month)
        default: return String(format: "%02d/%02d/2019", month, day)
        }
    }

    /// Writes the database to `path`.
    static func create(at path: String) throws {
        let db = try Database(path: path)
        try db.execute("""
            CREATE TABLE customers (id INTEGER PRIMARY KEY, tenant TEXT NOT NULL, email TEXT, name TEXT, signup TEXT,
              fax TEXT, country TEXT, credit INTEGER, loyalty_code TEXT, code TEXT UNIQUE, note TEXT, newsletter INTEGER NOT NULL);
            CREATE TABLE orders (id INTEGER PRIMARY KEY, tenant TEXT NOT NULL, customer_id INTEGER, amount REAL, created TEXT);
            CREATE TABLE products (id INTEGER PRIMARY KEY, sku TEXT NOT NULL, name TEXT NOT NULL, price REAL, added TEXT);
            """)
        try db.transaction {
            let c = try db.prepare("INSERT INTO customers VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?)")
            for i in 1...customers {
                c.clearBindings()
                try c.bind(Int64(i), at: 1)
                try c.bind(tenant(i), at: 2)
                try c.bind(invalidEmails.contains(i) ? "user\(i)-at-example.com" : "user\(i)@example.com", at: 3)
                try c.bind(strayWhitespace.contains(i) ? (i % 20 == 0 ? " Name\(i)" : "Name\(i) ") : "Name\(i)", at: 4)
                try c.bind(signup(i), at: 5)
                let country = ["DE", "AT", "CH"][i % 3]
                try c.bind(lowerCountry.contains(i) ? country.lowercased() : country, at: 6)
                if textCredit.contains(i) { try c.bind("n/a", at: 7) } else { try c.bind(Int64(i * 10), at: 7) }
                if setsLoyalty(i) { try c.bind("GOLD-\(i)", at: 8) }
                try c.bind(duplicateCodes[i].map { "c\($0)" } ?? "C\(i)", at: 9)
                try c.bind("ok", at: 10)
                try c.bind(newsletter(i), at: 11)
                try c.execute()
                c.clearBindings()
            }
            for i in badUTF8 { try db.execute("UPDATE customers SET note = CAST(X'6F6BFF' AS TEXT) WHERE id = \(i)") }
            let o = try db.prepare("INSERT INTO orders VALUES (?, ?, ?, ?, ?)")
            for i in 1...orders {
                try o.bind(Int64(i), at: 1)
                let customer = orphanOrders.contains(i) ? 9000 + i : 1 + i % customers
                try o.bind(tenant(customer), at: 2)
                try o.bind(Int64(customer), at: 3)
                try o.bind(.double(Double(i) + 0.5), at: 4)
                try o.bind(String(format: "2020-%02d-%02dT10:00:00Z", 1 + i % 12, 1 + i % 28), at: 5)
                try o.execute()
            }
            let p = try db.prepare("INSERT INTO products VALUES (?, ?, ?, ?, ?)")
            for i in 1...50 {
                try p.bind(Int64(i), at: 1)
                try p.bind(String(format: "SKU-%04d", i), at: 2)
                try p.bind("Product \(i)", at: 3)
                try p.bind(.double(Double(i) * 1.25), at: 4)
                try p.bind(String(format: "2021-03-%02d", 1 + i % 28), at: 5)
                try p.execute()
            }
        }
        db.close()
    }
}

extension PlantedLegacy {
    /// The planted database as SQL both SQLite and PostgreSQL run (no invalid UTF-8: PostgreSQL refuses it;
    /// credit as text, so 'n/a' fits in both).
    static func portableSQL() -> String {
        func lit(_ s: String?) -> String { s.map { "'" + $0.replacingOccurrences(of: "'", with: "''") + "'" } ?? "NULL" }
        var sql = """
            BEGIN;
            CREATE TABLE customers (id BIGINT PRIMARY KEY, tenant TEXT NOT NULL, email TEXT, name TEXT, signup TEXT,
              fax TEXT, country TEXT, credit TEXT, loyalty_code TEXT, code TEXT UNIQUE, note TEXT);
            CREATE TABLE orders (id BIGINT PRIMARY KEY, tenant TEXT NOT NULL, customer_id BIGINT, amount DOUBLE PRECISION, created TEXT);
            CREATE TABLE products (id BIGINT PRIMARY KEY, sku TEXT NOT NULL, name TEXT NOT NULL, price DOUBLE PRECISION, added TEXT);

            """
        for i in 1...customers {
            let country = ["DE", "AT", "CH"][i % 3]
            let values: [String] = [
                "\(i)", lit(tenant(i)),
                lit(invalidEmails.contains(i) ? "user\(i)-at-example.com" : "user\(i)@example.com"),
                lit(strayWhitespace.contains(i) ? (i % 20 == 0 ? " Name\(i)" : "Name\(i) ") : "Name\(i)"),
                lit(signup(i)), "NULL", lit(lowerCountry.contains(i) ? country.lowercased() : country),
                lit(textCredit.contains(i) ? "n/a" : "\(i * 10)"), lit(setsLoyalty(i) ? "GOLD-\(i)" : nil),
                lit(duplicateCodes[i].map { "c\($0)" } ?? "C\(i)"), lit("ok"),
            ]
            sql += "INSERT INTO customers VALUES (\(values.joined(separator: ", ")));\n"
        }
        for i in 1...orders {
            let customer = orphanOrders.contains(i) ? 9000 + i : 1 + i % customers
            sql += "INSERT INTO orders VALUES (\(i), \(lit(tenant(customer))), \(customer), \(Double(i) + 0.5), \(lit(String(format: "2020-%02d-%02dT10:00:00Z", 1 + i % 12, 1 + i % 28))));\n"
        }
        for i in 1...50 {
            sql += "INSERT INTO products VALUES (\(i), \(lit(String(format: "SKU-%04d", i))), \(lit("Product \(i)")), \(Double(i) * 1.25), \(lit(String(format: "2021-03-%02d", 1 + i % 28))));\n"
        }
        return sql + "COMMIT;\n"
    }
}
