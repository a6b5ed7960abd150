-- The tables Tandem created in a PostgreSQL sink (created by the sink when missing): only these gain
-- columns when events bring new ones; any other table needs "schema": "evolve" on the sink. A table's
-- row is written in the transaction that creates the table.
CREATE TABLE IF NOT EXISTS "_tandem_tables" (
    "name"       text        NOT NULL PRIMARY KEY,  -- the table, as Tandem created it
    "created_at" timestamptz NOT NULL DEFAULT now()  -- when
);
