import TandemCore
import TandemPostgres

/// `_tandem_routing` and the write fences in a PostgreSQL store (see `RoutingStore`): one PL/pgSQL trigger
/// function, `_tandem_fence()`, attached to each migrated table with its tenant column and the store's side.
/// Before it raises, the fence counts the refusal on its cohort's counter (`PostgresRefusalCounters`): a
/// sequence, so the count survives the application's rolled-back transaction.
struct PostgresRouting {
    let conninfo: String
    let role: StoreRole

    static let fenceFunction = """
        CREATE OR REPLACE FUNCTION _tandem_fence() RETURNS trigger LANGUAGE plpgsql AS $fence$
        DECLARE t text; r record;
        BEGIN
          IF \(ApplyingMarker.postgresApplying) THEN RETURN COALESCE(NEW, OLD); END IF;
          FOR t IN SELECT DISTINCT x FROM unnest(ARRAY[
              CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) ->> TG_ARGV[0] END,
              CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) ->> TG_ARGV[0] END]) AS x WHERE x IS NOT NULL LOOP
            SELECT * INTO r FROM _tandem_routing WHERE tenant = t AND writes <> TG_ARGV[1];
            IF FOUND THEN
              -- Counted before the raise (a sequence survives the rollback); a counter missing or not usable by
              -- the application's role never hides the message (this sub-block costs only on the refused path).
              BEGIN
                PERFORM nextval(quote_ident(_tandem_refusal_counter(r.cohort))::regclass);
              EXCEPTION WHEN OTHERS THEN NULL;
              END;
              IF r.writes = 'moving' THEN
                RAISE EXCEPTION 'tandem: tenant % is moving between stores since %; retry in a moment', t, r.since;
              END IF;
              RAISE EXCEPTION 'tandem: tenant % writes to the % store since %', t, r.writes, r.since;
            END IF;
          END LOOP;
          RETURN COALESCE(NEW, OLD);
        END
        $fence$
        """

    func connect() throws -> PostgresConnection {
        let redactor = try PostgresRedactor(sinkConninfo: conninfo)
        return try SinkError.postgres { () throws(PostgresError) in try PostgresConnection(conninfo: conninfo, redactor: redactor) }
    }

    func publish(_ routes: [TenantRoute], removing: [String], tables: [FencedTable]) throws {
        let c = try connect()
        defer { c.close() }
        do {
            _ = try c.run("BEGIN; SET LOCAL client_min_messages = warning")  // no NOTICE for a first DROP TRIGGER IF EXISTS
            _ = try c.run(RoutingSQL.createTable)
            _ = try c.run(PostgresRefusalCounters.nameFunction)
            _ = try c.run(Self.fenceFunction)
            for r in routes {
                _ = try c.run("""
                    INSERT INTO _tandem_routing (tenant, cohort, phase, reads, writes, version, since) VALUES ($1, $2, $3, $4, $5, $6, $7)
                    ON CONFLICT (tenant) DO UPDATE SET cohort = EXCLUDED.cohort, phase = EXCLUDED.phase, reads = EXCLUDED.reads,
                        writes = EXCLUDED.writes, version = EXCLUDED.version, since = EXCLUDED.since
                    """, [r.tenant, r.cohort, r.phase, r.reads, r.writes, String(r.version), r.since])
            }
            for t in removing { _ = try c.run("DELETE FROM _tandem_routing WHERE tenant = $1", [t]) }
            try PostgresRefusalCounters.install(c, cohorts: Set(routes.map(\.cohort)).sorted())
            for t in tables {
                let exists = try c.run("SELECT to_regclass($1) IS NOT NULL", [SQL.quote(t.table)])
                guard exists.count > 0, exists[0, 0] == "t" else { continue }
                _ = try c.run("DROP TRIGGER IF EXISTS _tandem_fence ON \(SQL.quote(t.table))")
                _ = try c.run("""
                    CREATE TRIGGER _tandem_fence BEFORE INSERT OR UPDATE OR DELETE ON \(SQL.quote(t.table))
                    FOR EACH ROW EXECUTE FUNCTION _tandem_fence(\(RoutingSQL.literal(t.tenantColumn)), \(RoutingSQL.literal(role.rawValue)))
                    """)
            }
            _ = try c.run("COMMIT")
        } catch {
            if !c.isBroken { _ = try? c.run("ROLLBACK") }
            throw error
        }
    }

    func routes() throws -> [TenantRoute] {
        let c = try connect()
        defer { c.close() }
        let exists = try c.run("SELECT to_regclass('_tandem_routing') IS NOT NULL")
        guard exists.count > 0, exists[0, 0] == "t" else { return [] }
        let rows = try c.run("SELECT tenant, cohort, phase, reads, writes, version, since FROM _tandem_routing ORDER BY tenant")
        return (0..<rows.count).map { i in
            TenantRoute(tenant: rows[i, 0] ?? "", cohort: rows[i, 1] ?? "", phase: rows[i, 2] ?? "", reads: rows[i, 3] ?? "",
                        writes: rows[i, 4] ?? "", version: Int64(rows[i, 5] ?? "0") ?? 0, since: rows[i, 6] ?? "")
        }
    }

    func fencedTables() throws -> Set<String> {
        let c = try connect()
        defer { c.close() }
        let rows = try c.run("SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname = '_tandem_fence'")
        return Set((0..<rows.count).compactMap { rows[$0, 0] })
    }
}
