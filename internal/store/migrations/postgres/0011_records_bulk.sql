-- Records are written only by the import path, which resolves the subject and
-- checks the department in the same serialized transaction; subjects and
-- departments are never deleted. The foreign keys of records cost a trigger
-- query per inserted row (≈ 7 µs each, as much as the row itself under COPY),
-- so they go (docs/benchmarks.md, Ingest).
ALTER TABLE records DROP CONSTRAINT IF EXISTS records_subject_id_fkey;
ALTER TABLE records DROP CONSTRAINT IF EXISTS records_dept_fkey;
