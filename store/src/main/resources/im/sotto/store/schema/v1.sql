-- Sotto store, schema version 1: the first schema. Kept unchanged forever: a new store is created by running this
-- file and then every migration, and the migration test builds a version-1 file from it.
-- Secret values are AES-256-GCM blobs (RecordCipher); *_index columns are HMAC-SHA-256 blind indexes.
CREATE TABLE schema_version (
  version INTEGER NOT NULL
) STRICT;
INSERT INTO schema_version (version) VALUES (1);

CREATE TABLE key_wrap (
  id          INTEGER PRIMARY KEY CHECK (id = 1),
  method      TEXT NOT NULL CHECK (method IN ('passphrase-argon2id', 'key-file')),
  salt        BLOB,
  memory_kib  INTEGER,
  iterations  INTEGER,
  parallelism INTEGER,
  wrapped_key BLOB NOT NULL
) STRICT;

CREATE TABLE local_identity (
  id     INTEGER PRIMARY KEY CHECK (id = 1),
  record BLOB NOT NULL
) STRICT;

CREATE TABLE peer_trust (
  peer_index BLOB PRIMARY KEY,
  record     BLOB NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE sessions (
  address_index BLOB PRIMARY KEY,
  peer_index    BLOB NOT NULL,
  address       BLOB NOT NULL,
  record        BLOB NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX sessions_by_peer ON sessions (peer_index);

CREATE TABLE prekeys (
  kind         INTEGER NOT NULL CHECK (kind IN (1, 2)),
  prekey_id    INTEGER NOT NULL,
  delete_after INTEGER NOT NULL,
  record       BLOB NOT NULL,
  PRIMARY KEY (kind, prekey_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE replay_cache (
  entry_index BLOB PRIMARY KEY,
  expires_at  INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE retained_secrets (
  address_index BLOB PRIMARY KEY,
  address       BLOB NOT NULL,
  record        BLOB NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE outbound_queue (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  peer_index BLOB NOT NULL,
  record     BLOB NOT NULL
) STRICT;
CREATE INDEX outbound_queue_by_peer ON outbound_queue (peer_index, id);

CREATE TABLE message_log (
  sequence INTEGER PRIMARY KEY AUTOINCREMENT,
  record   BLOB NOT NULL
) STRICT;
