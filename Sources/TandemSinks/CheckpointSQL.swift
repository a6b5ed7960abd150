/// The bookkeeping table's DDL, the same text as `schemas/sql/` (a test holds them equal).
enum CheckpointSQL {
    /// `schemas/sql/checkpoint.sqlite.sql`.
    static let sqlite = """
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
"""

    /// Adds the `filter` column to a PostgreSQL table made by an older Tandem (SQLite checks the columns first).
    static let postgresUpgrade = #"ALTER TABLE "_tandem_checkpoint" ADD COLUMN IF NOT EXISTS "filter" text"#
    /// Adds the `filter` column to a SQLite table made by an older Tandem.
    static let sqliteUpgrade = #"ALTER TABLE "_tandem_checkpoint" ADD COLUMN "filter" TEXT"#

    /// `schemas/sql/checkpoint.postgres.sql`.
    static let postgres = """
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
"""
}
