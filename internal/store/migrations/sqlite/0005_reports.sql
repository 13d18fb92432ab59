-- Credit reports: every issued report's number, verification code, PDF digest,
-- Ed25519 signature and content (JSON) as of generation.

CREATE TABLE reports (
  id INTEGER PRIMARY KEY,
  number TEXT NOT NULL UNIQUE,
  day TEXT NOT NULL,
  day_seq INTEGER NOT NULL,
  subject_id BIGINT NOT NULL REFERENCES subjects(id),
  subject_code TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending',
  verify_code TEXT NOT NULL DEFAULT '',
  digest TEXT NOT NULL DEFAULT '',
  signature TEXT NOT NULL DEFAULT '',
  key_id TEXT NOT NULL DEFAULT '',
  content TEXT NOT NULL DEFAULT '',
  requested_by TEXT NOT NULL,
  purpose TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  issued_at BIGINT,
  UNIQUE (day, day_seq)
);
CREATE INDEX reports_digest ON reports (digest);
CREATE INDEX reports_subject ON reports (subject_id);
