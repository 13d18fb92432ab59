-- Push (C9): webhook subscriptions of implementing departments over the
-- change feed (the outbox), the delivery log, queued manual redeliveries and
-- notices for the operator. Times are BIGINT microseconds (UTC), 0 = never.

CREATE TABLE subscriptions (
  id INTEGER PRIMARY KEY,
  dept_code TEXT NOT NULL REFERENCES departments(code),
  url TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  event_types TEXT NOT NULL,            -- comma-separated event kinds
  list_types TEXT NOT NULL DEFAULT '',  -- comma-separated list type codes; '' = all
  secret TEXT NOT NULL,                 -- whsec_<base64>, needed to sign
  cursor BIGINT NOT NULL DEFAULT 0,     -- last change seq delivered or skipped
  state TEXT NOT NULL DEFAULT 'active', -- active | disabled
  fail_count INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  last_success_at BIGINT NOT NULL DEFAULT 0,
  disabled_at BIGINT,
  disabled_reason TEXT NOT NULL DEFAULT '',
  lease_owner TEXT NOT NULL DEFAULT '', -- worker currently delivering
  lease_until BIGINT NOT NULL DEFAULT 0,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX subscriptions_dept ON subscriptions (dept_code);

CREATE TABLE deliveries (
  id INTEGER PRIMARY KEY,
  subscription_id BIGINT NOT NULL REFERENCES subscriptions(id),
  change_seq BIGINT NOT NULL,
  event_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  manual INTEGER NOT NULL DEFAULT 0,
  ok INTEGER NOT NULL,
  status_code INTEGER NOT NULL DEFAULT 0,
  error TEXT NOT NULL DEFAULT '',
  duration_ms BIGINT NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX deliveries_subscription ON deliveries (subscription_id, id);

CREATE TABLE redeliveries (
  id INTEGER PRIMARY KEY,
  subscription_id BIGINT NOT NULL REFERENCES subscriptions(id),
  change_seq BIGINT NOT NULL,
  requested_by TEXT NOT NULL,
  requested_at BIGINT NOT NULL,
  done_at BIGINT
);
CREATE INDEX redeliveries_pending ON redeliveries (subscription_id) WHERE done_at IS NULL;

CREATE TABLE notices (
  id INTEGER PRIMARY KEY,
  at BIGINT NOT NULL,
  kind TEXT NOT NULL,                   -- e.g. subscription.disabled
  dept_code TEXT NOT NULL DEFAULT '',
  object TEXT NOT NULL,                 -- e.g. subscription:3
  message TEXT NOT NULL                 -- Simplified Chinese, for the operator
);
