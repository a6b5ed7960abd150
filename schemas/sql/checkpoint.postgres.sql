-- Tandem's bookkeeping table in a PostgreSQL sink (created by the sink when missing).
-- One row per sink name: several sinks (e.g. one per cohort) may write into one store.
-- The row moves in the same transaction as the batch it describes, so a crash leaves the store
-- either before or after the whole batch.
CREATE TABLE IF NOT EXISTS "_tandem_checkpoint" (
    "sink"       text        NOT NULL PRIMARY KEY,  -- the sink's name ("default" unless configured)
    "journal_id" text        NOT NULL,              -- the journal the store is filled from; others are refused
    "seq"        bigint      NOT NULL,              -- the last applied journal seq
    "updated_at" timestamptz NOT NULL DEFAULT now(), -- when the row last moved
    "filter"     text                               -- the replay filter it was filled with (NULL: not recorded)
);
