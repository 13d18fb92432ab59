-- Foundation: departments, subjects, identifiers, relations, accounts, audit chain, change feed.
-- Times are BIGINT microseconds since the Unix epoch (UTC); civil dates are TEXT YYYY-MM-DD.

CREATE TABLE departments (
  code TEXT NOT NULL PRIMARY KEY,
  name TEXT NOT NULL,
  uscc TEXT,
  region TEXT NOT NULL DEFAULT '',
  review_required INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);

CREATE TABLE subjects (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  uscc TEXT,
  code_flag TEXT NOT NULL DEFAULT '',
  id_kind TEXT,
  id_hash TEXT,
  id_enc TEXT,
  id_masked TEXT,
  name TEXT NOT NULL,
  name_norm TEXT NOT NULL,
  region TEXT NOT NULL DEFAULT '',
  legal_rep TEXT NOT NULL DEFAULT '',
  registered_on TEXT NOT NULL DEFAULT '',
  address TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'active',
  version INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
-- code is the USCC for organisations; persons are found by keyed hash. Name search is
-- substring search, served by the in-memory index (a B-tree on the name cannot help).
CREATE UNIQUE INDEX subjects_id_hash ON subjects (id_hash) WHERE id_hash IS NOT NULL;

CREATE TABLE subject_names (
  id INTEGER PRIMARY KEY,
  subject_id BIGINT NOT NULL REFERENCES subjects(id),
  name TEXT NOT NULL,
  name_norm TEXT NOT NULL,
  valid_to BIGINT NOT NULL,
  recorded_at BIGINT NOT NULL
);
CREATE INDEX subject_names_subject ON subject_names (subject_id);

CREATE TABLE subject_legacy_ids (
  kind TEXT NOT NULL,
  value TEXT NOT NULL,
  subject_id BIGINT NOT NULL REFERENCES subjects(id),
  created_at BIGINT NOT NULL,
  PRIMARY KEY (kind, value),
  UNIQUE (subject_id, kind)
);

CREATE TABLE subject_relations (
  id INTEGER PRIMARY KEY,
  subject_id BIGINT NOT NULL REFERENCES subjects(id),
  person_id BIGINT NOT NULL REFERENCES subjects(id),
  role TEXT NOT NULL,
  start_date TEXT NOT NULL DEFAULT '',
  end_date TEXT NOT NULL DEFAULT '',
  recorded_at BIGINT NOT NULL
);
CREATE INDEX subject_relations_subject ON subject_relations (subject_id);
CREATE INDEX subject_relations_person ON subject_relations (person_id);

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL DEFAULT '',
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL,
  dept_code TEXT REFERENCES departments(code),
  subject_id BIGINT REFERENCES subjects(id),
  can_unmask INTEGER NOT NULL DEFAULT 0,
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);

CREATE TABLE sessions (
  token_hash TEXT NOT NULL PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users(id),
  csrf TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  prefix TEXT NOT NULL,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  dept_code TEXT REFERENCES departments(code),
  can_unmask INTEGER NOT NULL DEFAULT 0,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  revoked_at BIGINT,
  last_used_at BIGINT
);

CREATE TABLE audit_log (
  seq BIGINT NOT NULL PRIMARY KEY,
  at BIGINT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  object TEXT NOT NULL,
  subject_id BIGINT NOT NULL DEFAULT 0,
  before_digest TEXT NOT NULL,
  after_digest TEXT NOT NULL,
  detail TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_log_subject ON audit_log (subject_id);

CREATE TABLE changes (
  seq BIGINT NOT NULL PRIMARY KEY,
  at BIGINT NOT NULL,
  kind TEXT NOT NULL,
  subject_id BIGINT NOT NULL DEFAULT 0,
  subject TEXT NOT NULL DEFAULT '',
  object TEXT NOT NULL,
  data TEXT NOT NULL DEFAULT ''
);
