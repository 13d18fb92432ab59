-- Checks that returned no measure await no feedback: they are kept in blocks
-- of up to 1,024 checks of one department within one minute (store
-- check_block.go, docs/architecture.md "Check log"); check_log keeps one row
-- per check that returned measures. first_id makes moving the same journal
-- segment twice a no-op.
CREATE TABLE check_blocks (
  id INTEGER PRIMARY KEY,
  minute BIGINT NOT NULL,
  dept TEXT NOT NULL,
  first_id TEXT NOT NULL UNIQUE,
  first_at BIGINT NOT NULL,
  last_at BIGINT NOT NULL,
  n INTEGER NOT NULL,
  data BLOB NOT NULL
);
CREATE INDEX check_blocks_minute ON check_blocks (minute, first_at, last_at);
