-- Migration 6 -> 7: OMEMO 2 (urn:xmpp:omemo:2, docs/protocol.md 10.13) in tables of its own, shaped as OMEMO 0.3's:
-- a client often uses one device id for both versions, and the two versions' records differ.
CREATE TABLE omemo2_device (
  id     INTEGER PRIMARY KEY CHECK (id = 1),
  record BLOB NOT NULL
) STRICT;

CREATE TABLE omemo2_prekeys (
  kind      INTEGER NOT NULL CHECK (kind IN (1, 2)),
  prekey_id INTEGER NOT NULL,
  record    BLOB NOT NULL,
  PRIMARY KEY (kind, prekey_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE omemo2_sessions (
  address_index BLOB PRIMARY KEY,
  peer_index    BLOB NOT NULL,
  address       BLOB NOT NULL,
  record        BLOB NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX omemo2_sessions_by_peer ON omemo2_sessions (peer_index);

CREATE TABLE omemo2_identities (
  address_index BLOB PRIMARY KEY,
  peer_index    BLOB NOT NULL,
  address       BLOB NOT NULL,
  record        BLOB NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX omemo2_identities_by_peer ON omemo2_identities (peer_index);
UPDATE schema_version SET version = 7;
