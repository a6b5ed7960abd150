/// How a store tells Tandem's own applying transaction from an application's (one contract for write fences,
/// which let Tandem's writes pass, and capture triggers, which must not record them: no echo). SQLite has one
/// writer, so a row that Tandem's transaction inserts first and deletes before COMMIT is seen by that
/// transaction only; PostgreSQL has a transaction-local setting.
public enum ApplyingMarker {
    /// The SQLite table whose row marks Tandem's applying transaction.
    public static let sqliteTable = "_tandem_applying"
    /// Creates the SQLite marker table (any table of that name with an INTEGER PRIMARY KEY serves).
    public static let sqliteCreate = "CREATE TABLE IF NOT EXISTS \(sqliteTable) (id INTEGER PRIMARY KEY)"
    /// Marks the SQLite transaction (works for every shape of the table this project ever created).
    public static let sqliteMark = "INSERT INTO \(sqliteTable) DEFAULT VALUES"
    /// Unmarks it, before COMMIT.
    public static let sqliteUnmark = "DELETE FROM \(sqliteTable)"
    /// The SQLite trigger condition "not Tandem's own write".
    public static let sqliteNotApplying = "NOT EXISTS (SELECT 1 FROM \(sqliteTable))"
    /// The PostgreSQL setting that marks Tandem's applying transaction.
    public static let postgresSetting = "tandem.applying"
    /// Marks the PostgreSQL transaction (local to it).
    public static let postgresMark = "SET LOCAL \(postgresSetting) = 'on'"
    /// The PL/pgSQL condition "Tandem's own write".
    public static let postgresApplying = "current_setting('\(postgresSetting)', true) = 'on'"
}
