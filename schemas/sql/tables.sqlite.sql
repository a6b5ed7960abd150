-- The tables Tandem created in a SQLite sink (created by the sink when missing): only these gain columns
-- when events bring new ones; any other table needs "schema": "evolve" on the sink. A table's row is
-- written in the transaction that creates the table.
CREATE TABLE IF NOT EXISTS "_tandem_tables" (
    "name"       TEXT NOT NULL PRIMARY KEY,  -- the table, as Tandem created it
    "created_at" TEXT NOT NULL               -- when, RFC 3339 UTC
);
