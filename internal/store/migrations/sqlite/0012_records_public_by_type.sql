-- The public view lists current published records newest first (ORDER BY id
-- DESC LIMIT n), optionally of one type. An index on (type) alone is ordered
-- by rowid within each type, so a listing of one type reads the index
-- backwards without sorting, and an import appends each new entry at the end
-- of its type instead of at one of hundreds of decision-date positions: the
-- (type, decision_date) index cost a third of the writer's time of a bulk
-- import (docs/benchmarks.md, Ingest). A decision-date range is checked on the
-- rows read in id order.
DROP INDEX records_public;
CREATE INDEX records_public ON records (type) WHERE is_current AND state = 'published';
