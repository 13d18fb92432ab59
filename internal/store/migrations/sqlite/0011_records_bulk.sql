-- Records are written only by the import path, which resolves the subject and
-- checks the department in the same serialized transaction; subjects and
-- departments are never deleted. The foreign keys of records cost a parent
-- look-up per inserted row (≈ 5 µs on SQLite, a trigger query on PostgreSQL),
-- as much as a third of the row's own cost, so they go (docs/benchmarks.md,
-- Ingest). SQLite cannot drop a constraint: the table is rebuilt.
CREATE TABLE records_new (
  id INTEGER PRIMARY KEY,
  subject_id BIGINT NOT NULL,
  type TEXT NOT NULL,
  dept TEXT NOT NULL,
  doc_no TEXT NOT NULL,
  version INTEGER NOT NULL,
  is_current INTEGER NOT NULL DEFAULT 1,
  catalog_version INTEGER NOT NULL,
  nature TEXT NOT NULL,
  severity TEXT NOT NULL DEFAULT '',
  disclosure TEXT NOT NULL,
  state TEXT NOT NULL,
  decision_date TEXT NOT NULL,
  valid_to TEXT NOT NULL DEFAULT '',
  publicity_min_end TEXT NOT NULL DEFAULT '',
  publicity_end TEXT NOT NULL DEFAULT '',
  late_days INTEGER NOT NULL DEFAULT 0,
  content TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  flags TEXT NOT NULL DEFAULT '',
  batch_id BIGINT,
  submitted_by TEXT NOT NULL,
  received_at BIGINT NOT NULL,
  published_at BIGINT,
  revoked_at BIGINT,
  superseded_at BIGINT,
  revoke_reason TEXT NOT NULL DEFAULT '',
  review_note TEXT NOT NULL DEFAULT '',
  reviewed_by TEXT NOT NULL DEFAULT '',
  reviewed_at BIGINT,
  UNIQUE (dept, type, doc_no, version)
);
INSERT INTO records_new SELECT * FROM records;
DROP TABLE records;
ALTER TABLE records_new RENAME TO records;
CREATE INDEX records_subject ON records (subject_id, is_current);
CREATE INDEX records_public ON records (type, decision_date) WHERE is_current AND state = 'published';
CREATE INDEX records_review ON records (dept, state) WHERE state = 'pending_review';
