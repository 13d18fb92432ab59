-- A record's identity (department, type, document number, version) is
-- indexed document number first: within a department and type, every
-- comparison of the old (dept, type, …) order first compared two equal
-- columns, the largest part of an import's index maintenance
-- (docs/benchmarks.md, Ingest). Identifier columns compare bytewise, as on
-- SQLite: they have no linguistic order, and for UTF-8 text byte order is
-- code-point order, which C.UTF-8 gives too. Only indexes are rebuilt.
ALTER TABLE records DROP CONSTRAINT IF EXISTS records_dept_type_doc_no_version_key;
ALTER TABLE records ALTER COLUMN dept TYPE TEXT COLLATE "C", ALTER COLUMN type TYPE TEXT COLLATE "C", ALTER COLUMN doc_no TYPE TEXT COLLATE "C";
ALTER TABLE subjects ALTER COLUMN code TYPE TEXT COLLATE "C", ALTER COLUMN id_hash TYPE TEXT COLLATE "C";
ALTER TABLE records ADD CONSTRAINT records_doc_key UNIQUE (doc_no, dept, type, version);
