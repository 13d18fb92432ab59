-- Lists and the check: list types and measures (rule data, JSON bodies), list
-- entries with history, bound persons and pauses, the check log with
-- feedback, and 红黑榜 boards.

CREATE TABLE list_types (
  code TEXT NOT NULL PRIMARY KEY,
  kind TEXT NOT NULL,
  dept TEXT NOT NULL,
  body TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  updated_by TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE measures (
  code TEXT NOT NULL PRIMARY KEY,
  kind TEXT NOT NULL,
  body TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  updated_by TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE list_entries (
  id INTEGER PRIMARY KEY,
  subject_id BIGINT NOT NULL REFERENCES subjects(id),
  list_type TEXT NOT NULL REFERENCES list_types(code),
  kind TEXT NOT NULL,
  domain TEXT NOT NULL,
  dept TEXT NOT NULL,
  facts TEXT NOT NULL,
  basis_doc TEXT NOT NULL,
  start_date TEXT NOT NULL,
  end_date TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL,
  paused INTEGER NOT NULL DEFAULT 0,
  notice TEXT NOT NULL DEFAULT '',
  exit_reason TEXT NOT NULL DEFAULT '',
  exit_note TEXT NOT NULL DEFAULT '',
  exit_date TEXT NOT NULL DEFAULT '',
  monitor_until TEXT NOT NULL DEFAULT '',
  proposed_by TEXT NOT NULL,
  recorded_at BIGINT NOT NULL,
  notified_at BIGINT,
  activated_at BIGINT,
  exited_at BIGINT,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX list_entries_subject ON list_entries (subject_id);
CREATE INDEX list_entries_type ON list_entries (list_type, state);
CREATE INDEX list_entries_activated ON list_entries (activated_at);
CREATE INDEX list_entries_exited ON list_entries (exited_at);

CREATE TABLE entry_persons (
  entry_id BIGINT NOT NULL REFERENCES list_entries(id),
  person_id BIGINT NOT NULL REFERENCES subjects(id),
  role TEXT NOT NULL,
  PRIMARY KEY (entry_id, person_id, role)
);
CREATE INDEX entry_persons_person ON entry_persons (person_id);

CREATE TABLE entry_pauses (
  id INTEGER PRIMARY KEY,
  entry_id BIGINT NOT NULL REFERENCES list_entries(id),
  from_at BIGINT NOT NULL,
  to_at BIGINT,
  reason TEXT NOT NULL
);
CREATE INDEX entry_pauses_entry ON entry_pauses (entry_id);

CREATE TABLE entry_history (
  id INTEGER PRIMARY KEY,
  entry_id BIGINT NOT NULL REFERENCES list_entries(id),
  at BIGINT NOT NULL,
  action TEXT NOT NULL,
  from_state TEXT NOT NULL,
  to_state TEXT NOT NULL,
  actor TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX entry_history_entry ON entry_history (entry_id);

CREATE TABLE check_log (
  id TEXT NOT NULL PRIMARY KEY,
  at BIGINT NOT NULL,
  requester TEXT NOT NULL,
  dept TEXT NOT NULL DEFAULT '',
  subject TEXT NOT NULL,
  subject_id BIGINT NOT NULL DEFAULT 0,
  scenario TEXT NOT NULL,
  as_of BIGINT NOT NULL,
  measures TEXT NOT NULL DEFAULT '',
  digest TEXT NOT NULL,
  rules_version BIGINT NOT NULL DEFAULT 0,
  feedback_at BIGINT
);
CREATE INDEX check_log_dept ON check_log (dept, at);

CREATE TABLE check_feedback (
  check_id TEXT NOT NULL REFERENCES check_log(id),
  measure TEXT NOT NULL,
  applied INTEGER NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  actor TEXT NOT NULL,
  at BIGINT NOT NULL,
  PRIMARY KEY (check_id, measure)
);

CREATE TABLE boards (
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  period_start TEXT NOT NULL,
  period_end TEXT NOT NULL,
  body TEXT NOT NULL,
  published_by TEXT NOT NULL,
  published_at BIGINT NOT NULL
);
