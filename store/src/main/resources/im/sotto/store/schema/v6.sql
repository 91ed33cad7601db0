-- Migration 5 -> 6: revoked and stale devices of each account (docs/protocol.md 7.7, 11.6). One sealed record per
-- account, found through a blind index; the account's address is not kept (it is only ever looked up).
CREATE TABLE peer_devices (
  peer_index BLOB PRIMARY KEY,
  record     BLOB NOT NULL
) STRICT, WITHOUT ROWID;
UPDATE schema_version SET version = 6;
