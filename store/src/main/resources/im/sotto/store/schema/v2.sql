-- Migration 1 -> 2: restore detection. A counter that only grows, published by the device; a store whose counter is
-- below the last published value was restored from an old copy (RestoreGuard). Also indexes for the expiry purges.
CREATE TABLE restore_counter (
  id    INTEGER PRIMARY KEY CHECK (id = 1),
  value INTEGER NOT NULL CHECK (value >= 0)
) STRICT;
INSERT INTO restore_counter (id, value) VALUES (1, 0);
CREATE INDEX replay_cache_by_expiry ON replay_cache (expires_at);
CREATE INDEX prekeys_by_expiry ON prekeys (delete_after);
UPDATE schema_version SET version = 2;
