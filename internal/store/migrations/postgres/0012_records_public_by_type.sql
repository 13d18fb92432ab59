-- The public view lists current published records newest first (ORDER BY id
-- DESC LIMIT n), optionally of one type: (type, id) serves that without a
-- sort, and an import appends each new entry at the end of its type instead of
-- at one of hundreds of decision-date positions (docs/benchmarks.md, Ingest).
-- A decision-date range is checked on the rows read in id order.
DROP INDEX records_public;
CREATE INDEX records_public ON records (type, id) WHERE is_current AND state = 'published';
