-- Migration 2 -> 3: the archive cursor. One sealed record, written by the transport binding, that says up to where in
-- the account's server archive this device has processed (a restarted client catches up from there).
CREATE TABLE archive_cursor (
  id     INTEGER PRIMARY KEY CHECK (id = 1),
  record BLOB NOT NULL
) STRICT;
UPDATE schema_version SET version = 3;
