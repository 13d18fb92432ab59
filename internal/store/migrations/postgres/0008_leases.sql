-- Leases: periodic background work (sweeps, scheduled reports) runs on one node at a time.
CREATE TABLE leases (
  name TEXT NOT NULL PRIMARY KEY,
  owner TEXT NOT NULL,
  until_at BIGINT NOT NULL
);
