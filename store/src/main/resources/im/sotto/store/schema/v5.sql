-- Migration 4 -> 5: the client's own data, kept as the protocol state is. Contacts (roster and last presence for the
-- commands that do not log in; before this a cleartext contacts.properties beside the store) and the conversation
-- log a chat shows when it opens. Addresses, message ids and records sealed; only blind indexes in the clear.
CREATE TABLE contacts (
  peer_index BLOB PRIMARY KEY,
  peer       BLOB NOT NULL,
  record     BLOB NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE conversation_log (
  sequence      INTEGER PRIMARY KEY AUTOINCREMENT,
  peer_index    BLOB NOT NULL,
  message_index BLOB NOT NULL,
  record        BLOB NOT NULL
) STRICT;
CREATE INDEX conversation_log_by_peer ON conversation_log (peer_index, sequence);
CREATE INDEX conversation_log_by_message ON conversation_log (message_index);
UPDATE schema_version SET version = 5;
