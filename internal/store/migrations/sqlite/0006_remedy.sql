-- Rights protection: objections, credit repairs and reports from the public
-- (one case table, a timeline and attachments), and commitments.

CREATE TABLE remedy_cases (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  subject_id BIGINT NOT NULL REFERENCES subjects(id),
  target_kind TEXT NOT NULL DEFAULT '',
  target_id BIGINT NOT NULL DEFAULT 0,
  target_type TEXT NOT NULL DEFAULT '',
  dept TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  body TEXT NOT NULL,
  severity TEXT NOT NULL DEFAULT '',
  outcome_note TEXT NOT NULL DEFAULT '',
  missing TEXT NOT NULL DEFAULT '',
  applicant_name TEXT NOT NULL DEFAULT '',
  applicant_contact TEXT NOT NULL DEFAULT '',
  applicant_email TEXT NOT NULL DEFAULT '',
  anonymous INTEGER NOT NULL DEFAULT 0,
  applicant_subject BIGINT NOT NULL DEFAULT 0,
  query_hash TEXT NOT NULL UNIQUE,
  open_key TEXT UNIQUE,
  due_date TEXT NOT NULL DEFAULT '',
  extended INTEGER NOT NULL DEFAULT 0,
  escalated INTEGER NOT NULL DEFAULT 0,
  paused_entries TEXT NOT NULL DEFAULT '',
  record_id BIGINT NOT NULL DEFAULT 0,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  closed_at BIGINT,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX remedy_cases_subject ON remedy_cases (subject_id);
CREATE INDEX remedy_cases_queue ON remedy_cases (kind, state, dept);
CREATE INDEX remedy_cases_due ON remedy_cases (due_date);

CREATE TABLE remedy_events (
  id INTEGER PRIMARY KEY,
  case_id BIGINT NOT NULL REFERENCES remedy_cases(id),
  at BIGINT NOT NULL,
  action TEXT NOT NULL,
  from_state TEXT NOT NULL,
  to_state TEXT NOT NULL,
  actor TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX remedy_events_case ON remedy_events (case_id);

CREATE TABLE remedy_attachments (
  id INTEGER PRIMARY KEY,
  case_id BIGINT NOT NULL REFERENCES remedy_cases(id),
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size BIGINT NOT NULL,
  sha256 TEXT NOT NULL,
  data BLOB NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX remedy_attachments_case ON remedy_attachments (case_id);

CREATE TABLE commitments (
  id INTEGER PRIMARY KEY,
  subject_id BIGINT NOT NULL REFERENCES subjects(id),
  kind TEXT NOT NULL,
  dept TEXT NOT NULL REFERENCES departments(code),
  matter TEXT NOT NULL,
  content TEXT NOT NULL,
  due_date TEXT NOT NULL DEFAULT '',
  is_public INTEGER NOT NULL DEFAULT 1,
  state TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  record_id BIGINT NOT NULL DEFAULT 0,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  closed_at BIGINT,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX commitments_subject ON commitments (subject_id);
CREATE INDEX commitments_due ON commitments (state, due_date);
