-- Operator settings stored as validated JSON (e.g. the credit environment index indicators).
CREATE TABLE settings (
  name TEXT NOT NULL PRIMARY KEY,
  body TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);
