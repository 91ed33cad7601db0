-- Migration 3 -> 4: OMEMO 0.3 (docs/protocol.md §10), in tables of its own so its device ids, sessions and trust
-- never mix with Sotto's. Same protection as the Sotto tables: records sealed, addresses sealed and blind-indexed;
-- prekey kinds and ids in the clear (they are published in the OMEMO bundle).
CREATE TABLE omemo_device (
  id     INTEGER PRIMARY KEY CHECK (id = 1),
  record BLOB NOT NULL
) STRICT;

CREATE TABLE omemo_prekeys (
  kind      INTEGER NOT NULL CHECK (kind IN (1, 2)),
  prekey_id INTEGER NOT NULL,
  record    BLOB NOT NULL,
  PRIMARY KEY (kind, prekey_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE omemo_sessions (
  address_index BLOB PRIMARY KEY,
  peer_index    BLOB NOT NULL,
  address       BLOB NOT NULL,
  record        BLOB NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX omemo_sessions_by_peer ON omemo_sessions (peer_index);

CREATE TABLE omemo_identities (
  address_index BLOB PRIMARY KEY,
  peer_index    BLOB NOT NULL,
  address       BLOB NOT NULL,
  record        BLOB NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX omemo_identities_by_peer ON omemo_identities (peer_index);
UPDATE schema_version SET version = 4;
