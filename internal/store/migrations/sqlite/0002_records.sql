-- Collection: catalog versions, submission batches, credit records (versioned), calendar and publicity rules.

CREATE TABLE catalog_versions (
  version INTEGER NOT NULL PRIMARY KEY,
  body TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE TABLE batches (
  id INTEGER PRIMARY KEY,
  dept TEXT NOT NULL REFERENCES departments(code),
  type TEXT NOT NULL,
  source TEXT NOT NULL,
  idempotency_key TEXT,
  rows_total INTEGER NOT NULL DEFAULT 0,
  rows_accepted INTEGER NOT NULL DEFAULT 0,
  rows_rejected INTEGER NOT NULL DEFAULT 0,
  rows_duplicate INTEGER NOT NULL DEFAULT 0,
  report TEXT NOT NULL DEFAULT '',
  submitted_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  mode TEXT NOT NULL DEFAULT 'default',
  status TEXT NOT NULL DEFAULT 'committed',
  catalog_version INTEGER NOT NULL DEFAULT 0,
  UNIQUE (dept, idempotency_key)
);

CREATE TABLE records (
  id INTEGER PRIMARY KEY,
  subject_id BIGINT NOT NULL REFERENCES subjects(id),
  type TEXT NOT NULL,
  dept TEXT NOT NULL REFERENCES departments(code),
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
CREATE INDEX records_subject ON records (subject_id, is_current);
CREATE INDEX records_public ON records (type, decision_date) WHERE is_current AND state = 'published';
CREATE INDEX records_review ON records (dept, state) WHERE state = 'pending_review';

CREATE TABLE calendar_days (
  day TEXT NOT NULL PRIMARY KEY,
  kind TEXT NOT NULL,
  name TEXT NOT NULL DEFAULT ''
);

CREATE TABLE publicity_rules (
  id TEXT NOT NULL PRIMARY KEY,
  body TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
