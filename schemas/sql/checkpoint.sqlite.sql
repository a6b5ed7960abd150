-- Tandem's bookkeeping table in a SQLite sink (created by the sink when missing).
-- One row per sink name: several sinks (e.g. one per cohort) may write into one store.
-- The row moves in the same transaction as the batch it describes, so a crash leaves the store
-- either before or after the whole batch.
CREATE TABLE IF NOT EXISTS "_tandem_checkpoint" (
    "sink"       TEXT    NOT NULL PRIMARY KEY,  -- the sink's name ("default" unless configured)
    "journal_id" TEXT    NOT NULL,              -- the journal the store is filled from; others are refused
    "seq"        INTEGER NOT NULL,              -- the last applied journal seq
    "updated_at" TEXT    NOT NULL,              -- when the row last moved, RFC 3339 UTC
    "filter"     TEXT                           -- the replay filter it was filled with (NULL: not recorded)
);
