-- A record's identity (department, type, document number, version) is
-- indexed document number first: within a department and type, every
-- comparison of the old (dept, type, …) order first compared two equal
-- columns (docs/benchmarks.md, Ingest). SQLite cannot change a table's
-- UNIQUE constraint: the table is rebuilt, with its indexes as before.
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
  UNIQUE (doc_no, dept, type, version)
);
INSERT INTO records_new SELECT * FROM records;
DROP TABLE records;
ALTER TABLE records_new RENAME TO records;
CREATE INDEX records_subject ON records (subject_id, is_current);
CREATE INDEX records_public ON records (type) WHERE is_current AND state = 'published';
CREATE INDEX records_review ON records (dept, state) WHERE state = 'pending_review';
