-- Credit evaluation (C14) and tracking (C15): scoring model versions, the
-- current score of every subject, background recompute jobs, the monthly
-- credit environment index and generated quarterly reports.

CREATE TABLE score_models (
  version INTEGER NOT NULL PRIMARY KEY,
  body TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 0,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE TABLE scores (
  subject_id BIGINT NOT NULL PRIMARY KEY REFERENCES subjects(id),
  model_version INTEGER NOT NULL,
  total DOUBLE PRECISION NOT NULL,
  grade TEXT NOT NULL,
  class TEXT NOT NULL,
  negatives INTEGER NOT NULL DEFAULT 0,
  contributions TEXT NOT NULL,
  as_of BIGINT NOT NULL,
  computed_at BIGINT NOT NULL
);
CREATE INDEX scores_class ON scores (class, subject_id);
CREATE INDEX scores_grade ON scores (grade);

CREATE TABLE recompute_jobs (
  id INTEGER PRIMARY KEY,
  model_version INTEGER NOT NULL,
  state TEXT NOT NULL,
  total BIGINT NOT NULL DEFAULT 0,
  done BIGINT NOT NULL DEFAULT 0,
  error TEXT NOT NULL DEFAULT '',
  started_by TEXT NOT NULL,
  started_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  finished_at BIGINT
);

CREATE TABLE index_values (
  month TEXT NOT NULL,
  indicator TEXT NOT NULL,
  value DOUBLE PRECISION NOT NULL,
  score DOUBLE PRECISION NOT NULL,
  weight DOUBLE PRECISION NOT NULL,
  computed_at BIGINT NOT NULL,
  PRIMARY KEY (month, indicator)
);

CREATE TABLE tracking_reports (
  id INTEGER PRIMARY KEY,
  period TEXT NOT NULL,
  dept TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL,
  body TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  UNIQUE (kind, period, dept)
);
