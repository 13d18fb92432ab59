-- Identifier columns compare bytewise, as on SQLite: department, type,
-- document-number and code keys have no linguistic order, and a collation-
-- aware comparison (strcoll, per B-tree step) was a large part of an
-- import's index maintenance (docs/benchmarks.md, Ingest, session 7). For
-- UTF-8 text byte order is code-point order, which C.UTF-8 gives too. Only
-- the indexes are rebuilt; rows are not rewritten.
ALTER TABLE records ALTER COLUMN dept TYPE TEXT COLLATE "C", ALTER COLUMN type TYPE TEXT COLLATE "C", ALTER COLUMN doc_no TYPE TEXT COLLATE "C";
ALTER TABLE subjects ALTER COLUMN code TYPE TEXT COLLATE "C", ALTER COLUMN id_hash TYPE TEXT COLLATE "C";
